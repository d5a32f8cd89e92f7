import { cursorToOffset } from '@pothos/plugin-relay';
import { expect, test } from 'vitest';
import { forgeConnection } from '../../src/schema/forge-connection.js';

const listing = Array.from({ length: 250 }, (_, i) => `item-${i}`);
const windows: { offset: number; limit: number }[] = [];
const list = (totalKnown: boolean) => async (window: { offset: number; limit: number }) => {
  windows.push(window);
  return { items: listing.slice(window.offset, window.offset + window.limit), totalCount: totalKnown ? listing.length : null };
};

test('asks the forge for exactly the window and pages forward with offset cursors', async () => {
  windows.length = 0;
  const first = await forgeConnection({ first: 100 }, list(true));
  expect(windows).toEqual([{ offset: 0, limit: 100 }]);
  expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
  const second = await forgeConnection({ first: 100, after: first.pageInfo.endCursor }, list(true));
  expect(second.edges[0]!.node).toBe('item-100');
  const last = await forgeConnection({ first: 100, after: second.pageInfo.endCursor }, list(true));
  expect(last.edges).toHaveLength(50);
  expect(last.pageInfo.hasNextPage).toBe(false);
  expect(cursorToOffset(last.pageInfo.endCursor!)).toBe(249);
  expect(windows.map((w) => w.limit)).toEqual([100, 100, 100]);
});

test('without a total, a full window means more may follow; a short one ends the listing', async () => {
  const full = await forgeConnection({ first: 50, after: null }, list(false));
  expect(full.pageInfo.hasNextPage).toBe(true);
  const short = await forgeConnection({ first: 100, after: full.pageInfo.endCursor }, list(false));
  expect(short.edges).toHaveLength(100);
  const tail = await forgeConnection({ first: 100, after: short.pageInfo.endCursor }, list(false));
  expect(tail.edges).toHaveLength(100);
  const end = await forgeConnection({ first: 100, after: tail.pageInfo.endCursor }, list(false));
  expect(end.edges).toHaveLength(0);
  expect(end.pageInfo.hasNextPage).toBe(false);
});

test('backwards with before and last', async () => {
  const page = await forgeConnection({ first: 100, after: null }, list(true));
  const back = await forgeConnection({ last: 10, before: page.pageInfo.endCursor }, list(true));
  expect(back.edges.map((e) => e.node)).toEqual(listing.slice(89, 99));
});

test('bad arguments are refused with a clear error', async () => {
  await expect(forgeConnection({ first: 101 }, list(true))).rejects.toThrow(/between 0 and 100/);
  await expect(forgeConnection({ first: 10, after: 'garbage' }, list(true))).rejects.toThrow(/not a cursor/);
  await expect(forgeConnection({ last: 10 }, list(true))).rejects.toThrow(/last needs before/);
});
