import { afterAll, beforeAll, expect, test } from 'vitest';
import { authenticate } from '../../src/resolvers/api-keys.js';
import { consumeState, issueState, OAuthStateError } from '../../src/resolvers/oauth-states.js';
import type { Viewer } from '../../src/resolvers/viewer.js';
import { startHarness, type Harness } from '../support/harness.js';

let h: Harness;
let viewer: Viewer;
const deps = () => ({ db: h.database.prisma, secrets: h.secrets });

beforeAll(async () => {
  h = await startHarness();
  viewer = await authenticate(h.database.prisma, await h.apiKey('Acme', 'owner@acme.test'));
});
afterAll(() => h.close());

async function refusal(promise: Promise<unknown>): Promise<OAuthStateError['reason']> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OAuthStateError);
  return (error as OAuthStateError).reason;
}

test('a state is random, stored only as a hash, and gives back who started the flow and the sealed PKCE verifier', async () => {
  const { state, expiresAt } = await issueState(deps(), viewer, 'gitlab', { codeVerifier: 'verifier-canary-123', data: { note: 'x' } });
  expect(state).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(10 * 60 * 1000);
  const stored = JSON.stringify(await h.database.prisma.oAuthState.findMany());
  expect(stored).not.toContain(state);
  expect(stored).not.toContain('verifier-canary-123');
  const consumed = await consumeState(deps(), state, 'gitlab');
  expect(consumed).toMatchObject({ organizationId: viewer.organizationId, userId: viewer.userId, codeVerifier: 'verifier-canary-123', data: { note: 'x' } });
});

test('missing, unknown, reused, expired and foreign states are refused', async () => {
  expect(await refusal(consumeState(deps(), null, 'gitlab'))).toBe('missing');
  expect(await refusal(consumeState(deps(), 'not-issued', 'gitlab'))).toBe('unknown');
  const used = await issueState(deps(), viewer, 'gitea');
  await consumeState(deps(), used.state, 'gitea');
  expect(await refusal(consumeState(deps(), used.state, 'gitea'))).toBe('used');
  const foreign = await issueState(deps(), viewer, 'gitlab');
  expect(await refusal(consumeState(deps(), foreign.state, 'gitea'))).toBe('foreign');
  const expired = await issueState(deps(), viewer, 'gitlab');
  await h.database.prisma.oAuthState.updateMany({ where: { consumedAt: null }, data: { expiresAt: new Date(Date.now() - 1) } });
  expect(await refusal(consumeState(deps(), expired.state, 'gitlab'))).toBe('expired');
});

test('two callbacks racing with one state: exactly one wins', async () => {
  const { state } = await issueState(deps(), viewer, 'gitlab');
  const results = await Promise.allSettled(Array.from({ length: 8 }, () => consumeState(deps(), state, 'gitlab')));
  expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  for (const r of results) if (r.status === 'rejected') expect((r.reason as OAuthStateError).reason).toBe('used');
});
