import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ForgeAddressNotAllowedError, ForgeRateLimitedError, ForgeUnreachableError } from '../../src/providers/errors.js';
import { AddressPolicy } from '../../src/providers/http/address-policy.js';
import { forgeErrorFromFailure, rateLimitFromHeaders } from '../../src/providers/http/failures.js';
import { ForgeHttp } from '../../src/providers/http/forge-http.js';
import { FakeForgeServer } from '../fakes/fake-server.js';

describe('AddressPolicy', () => {
  const none = new AddressPolicy('');
  test.each([
    ['127.0.0.1'], ['10.0.0.5'], ['172.16.3.4'], ['192.168.1.1'], ['169.254.169.254'], ['100.64.0.1'], ['0.0.0.0'],
    ['::1'], ['fe80::1'], ['fd00::1'], ['::ffff:127.0.0.1'], ['224.0.0.1'],
  ])('refuses %s by default', (address) => {
    expect(none.allows('forge.example', address)).toBe(false);
  });
  test.each([['8.8.8.8'], ['140.82.112.3'], ['2606:4700::1111']])('allows public %s', (address) => {
    expect(none.allows('forge.example', address)).toBe(true);
  });
  test('an operator allows hosts by name, address or CIDR', () => {
    const policy = new AddressPolicy('gitlab.internal, 10.1.2.3 ,192.168.0.0/16,fd00::/8');
    expect(policy.allows('gitlab.internal', '10.9.9.9')).toBe(true);
    expect(policy.allows('GitLab.Internal.', '10.9.9.9')).toBe(true);
    expect(policy.allows('other.internal', '10.9.9.9')).toBe(false);
    expect(policy.allows('x', '10.1.2.3')).toBe(true);
    expect(policy.allows('x', '192.168.44.1')).toBe(true);
    expect(policy.allows('x', 'fd12::1')).toBe(true);
    expect(policy.allows('x', '127.0.0.1')).toBe(false);
    expect(policy.allows('x', '169.254.169.254')).toBe(false);
  });
});

describe('ForgeHttp', () => {
  let flakyCalls = 0;
  const fake = new FakeForgeServer((request) => {
    if (request.url.pathname === '/flaky') {
      flakyCalls += 1;
      return flakyCalls <= 2 ? { status: 429, headers: { 'retry-after': '1' }, body: 'slow down' } : { status: 200, body: { ok: true } };
    }
    return { status: 200, body: { ok: true } };
  });
  beforeAll(() => fake.start());
  afterAll(() => fake.stop());

  const http = (allowed = '127.0.0.1', attemptTimeoutMs = 2_000) =>
    new ForgeHttp({ policy: new AddressPolicy(allowed), attemptTimeoutMs, maxRetries: 2, maxRetryWaitMs: 1_500 });

  test('refuses a private address before connecting, for IP literals and for names alike', async () => {
    fake.reset();
    const refusing = http('');
    for (const url of [`${fake.url}/`, fake.url.replace('127.0.0.1', 'localhost')]) {
      const failure = await refusing.fetchFn({ retry: true })(url).catch((error: unknown) => forgeErrorFromFailure(error, 'Forge'));
      expect(failure).toBeInstanceOf(ForgeAddressNotAllowedError);
    }
    expect(fake.requests).toHaveLength(0);
    await refusing.close();
  });

  test('429 with Retry-After is retried after the wait, then succeeds', async () => {
    fake.reset();
    flakyCalls = 0;
    const client = http();
    const response = await client.fetchFn({ retry: true })(`${fake.url}/flaky`);
    expect(response.status).toBe(200);
    expect(fake.requestCount()).toBe(3);
    await client.close();
  });

  test('a spent retry budget is a typed error: 5xx → unreachable, 429 → rate limited with reset', async () => {
    fake.reset();
    const client = http();
    fake.failNext(10, { status: 503, body: 'down' });
    const down = await client.fetchFn({ retry: true })(`${fake.url}/x`).catch((e: unknown) => forgeErrorFromFailure(e, 'Forge'));
    expect(down).toBeInstanceOf(ForgeUnreachableError);
    expect(fake.requestCount()).toBe(3);
    fake.reset();
    fake.failNext(10, { status: 429, headers: { 'retry-after': '1' }, body: 'limited' });
    const limited = await client.fetchFn({ retry: true })(`${fake.url}/x`).catch((e: unknown) => forgeErrorFromFailure(e, 'Forge'));
    expect(limited).toBeInstanceOf(ForgeRateLimitedError);
    expect((limited as ForgeRateLimitedError).resetAt).toBeInstanceOf(Date);
    await client.close();
  });

  test('a hung forge times out as unreachable (timedOut)', async () => {
    fake.reset();
    const client = http('127.0.0.1', 300);
    fake.hangNext(1, 2_000);
    const failure = await client.fetchFn({ retry: false })(`${fake.url}/x`).catch((e: unknown) => forgeErrorFromFailure(e, 'Forge'));
    expect(failure).toBeInstanceOf(ForgeUnreachableError);
    expect((failure as ForgeUnreachableError).timedOut).toBe(true);
    await client.close();
  });

  test('a closed port is unreachable', async () => {
    const stopped = new FakeForgeServer(() => ({ status: 200 }));
    await stopped.start();
    const url = stopped.url;
    await stopped.stop();
    const client = http();
    const failure = await client.fetchFn({ retry: true })(url).catch((e: unknown) => forgeErrorFromFailure(e, 'Forge'));
    expect(failure).toBeInstanceOf(ForgeUnreachableError);
    expect((failure as ForgeUnreachableError).message).toMatch(/ECONNREFUSED/);
    await client.close();
  });
});

test('rate-limit headers of GitHub and GitLab shapes', () => {
  expect(rateLimitFromHeaders({ 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1800000000' })).toEqual({
    limit: 5000,
    remaining: 0,
    resetAt: new Date(1_800_000_000_000),
  });
  expect(rateLimitFromHeaders(new Headers({ 'ratelimit-limit': '7200', 'ratelimit-remaining': '12' }))).toEqual({ limit: 7200, remaining: 12, resetAt: null });
});
