import { cursorToOffset, offsetToCursor } from '@pothos/plugin-relay';
import { createGraphQLError } from 'graphql-yoga';
import type { ListWindow, Page } from '../providers/types.js';

/** Forges serve at most 100 items a request; a page of a forge listing is never larger. */
export const MAX_FORGE_PAGE = 100;
const DEFAULT_FORGE_PAGE = 20;

interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

/**
 * A Relay connection over a forge listing with offset cursors. Unlike a generic offset connection it asks
 * the forge for exactly the window (no extra item to probe for a next page, which would cost a whole
 * extra forge page): whether more follows comes from the listing's total, or from a full window.
 */
export async function forgeConnection<T>(args: ConnectionArgs, list: (window: Pick<ListWindow, 'offset' | 'limit'>) => Promise<Page<T>>) {
  const { offset, limit } = windowOf(args);
  const page = limit === 0 ? { items: [], totalCount: null } : await list({ offset, limit });
  const hasNextPage = page.totalCount !== null ? offset + page.items.length < page.totalCount : page.items.length === limit;
  const edges = page.items.map((node, index) => ({ cursor: offsetToCursor(offset + index), node }));
  return {
    edges,
    totalCount: page.totalCount,
    pageInfo: {
      hasNextPage,
      hasPreviousPage: offset > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

function windowOf({ first, after, last, before }: ConnectionArgs): { offset: number; limit: number } {
  for (const [name, value] of [['first', first], ['last', last]] as const) {
    if (value != null && (value < 0 || value > MAX_FORGE_PAGE)) {
      throw createGraphQLError(`${name} must be between 0 and ${MAX_FORGE_PAGE}`, { extensions: { code: 'BAD_USER_INPUT' } });
    }
  }
  const start = after ? decode(after, 'after') + 1 : 0;
  if (before == null) {
    if (last != null) throw createGraphQLError('last needs before on forge listings', { extensions: { code: 'BAD_USER_INPUT' } });
    return { offset: start, limit: first ?? DEFAULT_FORGE_PAGE };
  }
  const end = decode(before, 'before');
  const size = Math.max(0, end - start);
  const limit = Math.min(size, first ?? size, last ?? MAX_FORGE_PAGE);
  return { offset: last != null && first == null ? end - limit : start, limit };
}

function decode(cursor: string, name: string): number {
  try {
    const offset = cursorToOffset(cursor);
    if (Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // reported below
  }
  throw createGraphQLError(`${name} is not a cursor of this listing`, { extensions: { code: 'BAD_USER_INPUT' } });
}
