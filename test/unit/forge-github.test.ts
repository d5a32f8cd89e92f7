import { generateKeyPairSync } from 'node:crypto';
import { createAppAuth } from '@octokit/auth-app';
import { Octokit } from '@octokit/core';
import { paginateRest } from '@octokit/plugin-paginate-rest';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';
import {
  ForgeAddressNotAllowedError,
  ForgeAuthFailedError,
  ForgeError,
  ForgeMisconfiguredError,
  ForgeInstallationRemovedError,
  ForgeNotFoundError,
  ForgeRateLimitedError,
  ForgeUnreachableError,
} from '../../src/providers/errors.js';
import { createGitHubAdapter } from '../../src/providers/github/adapter.js';
import { gitHubApiBaseUrl } from '../../src/providers/github/api-url.js';
import { AddressPolicy } from '../../src/providers/http/address-policy.js';
import { ForgeHttp } from '../../src/providers/http/forge-http.js';
import type { GitHubAdapterSettings } from '../../src/providers/settings.js';
import type { BranchInfo, ForgeAdapter, ListWindow, RepositoryInfo } from '../../src/providers/types.js';
import { FakeGitHub } from '../fakes/github/fake-github.js';
import { testForgeHttp } from '../support/forge-http.js';

// GitHub hands out PKCS#1 keys ("BEGIN RSA PRIVATE KEY"); the App's public key is what the fake verifies JWTs with.
const appKeys = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
const otherKeys = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });

const APP_ID = 913_527;
const CLIENT_ID = 'Iv23liCanaryClient0001';
const INSTALLATION_ID = 48_151_623;
const REPOSITORIES = 350;
const MONOREPO_BRANCHES = 450;

let fake: FakeGitHub;
let http: ForgeHttp;
const closeLater: ForgeHttp[] = [];

const settings = (overrides: Partial<GitHubAdapterSettings> = {}): GitHubAdapterSettings => ({
  type: 'GITHUB',
  githubUrl: fake.url,
  githubAppId: APP_ID,
  githubClientId: CLIENT_ID,
  githubPrivateKey: appKeys.privateKey,
  githubInstallationId: String(INSTALLATION_ID),
  ...overrides,
});
const adapter = (overrides: Partial<GitHubAdapterSettings> = {}, on: ForgeHttp = http) => createGitHubAdapter(settings(overrides), on);
const ownHttp = (overrides: Partial<ConstructorParameters<typeof ForgeHttp>[0]> = {}) => {
  const created = testForgeHttp(overrides);
  closeLater.push(created);
  return created;
};

const apiCalls = (path: string | RegExp, method = 'GET') => fake.requestsTo(path, method);
const tokenMints = () => apiCalls(/^\/app\/installations\/\d+\/access_tokens$/, 'POST');
const repositoryPages = () => apiCalls('/installation/repositories');

// ---- the secret canary ------------------------------------------------------------------------------

/** Every secret in play: the private key (whole, and each line of its body), every installation token the fake minted, every JWT it saw. */
function secrets(): string[] {
  const keyLines = appKeys.privateKey.split('\n').filter((line) => line && !line.startsWith('-----'));
  const jwts = fake.requests.map((r) => /^bearer\s+(\S+)/i.exec(r.headers.authorization ?? '')?.[1]).filter((t): t is string => !!t);
  return [appKeys.privateKey, otherKeys.privateKey, ...keyLines, ...fake.issuedTokens, ...jwts, ...jwts.map((t) => t.split('.')[2]!)];
}

function expectNoSecrets(error: unknown) {
  const e = error as Error;
  const texts = [JSON.stringify(error), e.message, String(error), e.stack ?? '', JSON.stringify(Object.getOwnPropertyNames(error).map((name) => [name, String((error as Record<string, unknown>)[name])]))];
  for (const secret of secrets()) for (const text of texts) expect(text.includes(secret), `a secret leaked into ${text.slice(0, 120)}`).toBe(false);
  // No client internals hang off the error: no cause chain, no request or response.
  expect(e.cause).toBeUndefined();
  expect(Object.keys(e)).not.toContain('request');
  expect(Object.keys(e)).not.toContain('response');
  expect(JSON.stringify(error)).not.toMatch(/authorization|ghs_|bearer/i);
}

async function failure<T extends ForgeError>(promise: Promise<unknown>, type: new (...args: never[]) => T): Promise<T> {
  const error = await promise.then(
    () => {
      throw new Error(`expected a ${type.name}, got a result`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(type);
  expectNoSecrets(error);
  return error as T;
}

/** Mints (or reuses) the installation token, so fault injection hits the call under test and not the mint. */
async function warm(on: ForgeAdapter = adapter()) {
  await on.listRepositories({ offset: 0, limit: 1 });
  fake.server.reset();
}

async function all<T>(list: (window: ListWindow) => Promise<{ items: T[] }>, limit: number): Promise<{ items: T[]; windows: number }> {
  const items: T[] = [];
  for (let offset = 0, windows = 1; ; offset += limit, windows++) {
    const page = await list({ offset, limit });
    items.push(...page.items);
    if (page.items.length < limit) return { items, windows };
  }
}

const consoleCalls: unknown[][] = [];

beforeAll(async () => {
  fake = await new FakeGitHub({ appId: APP_ID, clientId: CLIENT_ID, publicKey: appKeys.publicKey, installationId: INSTALLATION_ID }).start();
  fake.seed({ repositories: REPOSITORIES - 1, branchesPerRepo: 3, extraRepositories: [{ name: 'monorepo', branches: MONOREPO_BRANCHES, defaultBranch: 'develop', isPrivate: true }] });
  http = testForgeHttp();
  // Adapters do not log: anything on the console from octokit, auth-app or the plugins fails the suite.
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void consoleCalls.push([method, ...args]));
  }
});

afterAll(async () => {
  vi.restoreAllMocks();
  await http.close();
  for (const other of closeLater) await other.close();
  await fake.stop();
});

beforeEach(() => fake.server.reset());

afterEach(() => {
  for (const call of consoleCalls) {
    for (const secret of secrets()) expect(JSON.stringify(call).includes(secret)).toBe(false);
  }
  expect(consoleCalls.filter(([method]) => method !== 'log')).toEqual([]);
  consoleCalls.length = 0;
});

/** Measurements reported for the note, on the real console.log (the spy only watches the adapter). */
const realLog = console.log.bind(console);
function report(line: string) {
  realLog(line);
}

describe('GitHub API base URL', () => {
  test('github.com, ghe.com and Enterprise Server hosts', () => {
    expect(gitHubApiBaseUrl('https://github.com')).toBe('https://api.github.com');
    expect(gitHubApiBaseUrl('https://github.com/')).toBe('https://api.github.com');
    expect(gitHubApiBaseUrl('https://octo-corp.ghe.com')).toBe('https://api.octo-corp.ghe.com');
    expect(gitHubApiBaseUrl('https://github.example.com')).toBe('https://github.example.com/api/v3');
    expect(gitHubApiBaseUrl('https://github.example.com/api/v3/')).toBe('https://github.example.com/api/v3');
    expect(gitHubApiBaseUrl('http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080/api/v3');
  });
});

describe('testConnection', () => {
  test('reports the App, the installation account, its permissions, repository count and rate limit', async () => {
    const report = await adapter().testConnection();
    expect(report).toMatchObject({
      identity: 'forgegraph-test',
      account: 'acme',
      permissions: ['contents:read', 'metadata:read'],
      repositoryCount: REPOSITORIES,
      hasRepositories: true,
      warnings: [],
    });
    const limit = fake.rateLimit();
    expect(report.rateLimit).toEqual({ limit: 5000, remaining: limit.remaining, resetAt: new Date(limit.reset * 1000) });

    // As the App (a JWT, `bearer`) for /app and the installation; as the installation (`token`) for its repositories.
    const [app] = apiCalls('/app');
    const [installation] = apiCalls(`/app/installations/${INSTALLATION_ID}`);
    const [count] = repositoryPages();
    expect(app!.headers.authorization).toMatch(/^bearer ey/);
    expect(installation!.headers.authorization).toMatch(/^bearer ey/);
    expect(count!.headers.authorization).toMatch(/^token ghs_/);
    expect(count!.url.searchParams.get('per_page')).toBe('1');
    expect(fake.requests.filter((r) => r.method === 'GET').every((r) => r.headers['x-github-api-version'] === '2022-11-28')).toBe(true);
  });

  test('warns when the installation has not accepted permissions the App asks for', async () => {
    const granted = fake.installation.permissions;
    fake.installation.permissions = { metadata: 'read' };
    try {
      const report = await adapter().testConnection();
      expect(report.permissions).toEqual(['metadata:read']);
      expect(report.warnings).toEqual([expect.stringContaining('contents: read')]);
    } finally {
      fake.installation.permissions = granted;
    }
  });

  test('the installation token is minted once and reused by later adapters (auth-app cache, shared)', async () => {
    await warm();
    await adapter().listRepositories({ offset: 0, limit: 5 });
    await adapter().listRepositories({ offset: 0, limit: 5 });
    expect(tokenMints()).toHaveLength(0);
    expect(repositoryPages()).toHaveLength(2);
  });
});

describe('repositories', () => {
  test('windows over more than three forge pages cost exactly the pages they cover', async () => {
    const gh = adapter();
    await warm(gh);
    const cases: [ListWindow, number, number[]][] = [
      [{ offset: 0, limit: 100 }, 100, [1]],
      [{ offset: 100, limit: 100 }, 100, [2]],
      [{ offset: 250, limit: 100 }, 100, [3, 4]],
      [{ offset: 340, limit: 100 }, 10, [4]],
      [{ offset: 50, limit: 100 }, 100, [1, 2]],
      [{ offset: 0, limit: 350 }, 350, [1, 2, 3, 4]],
    ];
    for (const [window, expected, pages] of cases) {
      fake.server.reset();
      const page = await gh.listRepositories(window);
      expect(page.items).toHaveLength(expected);
      expect(page.totalCount).toBe(REPOSITORIES);
      expect(page.items.map((r) => r.fullName)).toEqual(fake.seeded.slice(window.offset, window.offset + window.limit).map((r) => `acme/${r.name}`));
      const sent = repositoryPages();
      expect(sent.map((r) => Number(r.url.searchParams.get('page')))).toEqual(pages);
      expect(sent.every((r) => r.url.searchParams.get('per_page') === '100')).toBe(true);
    }
  });

  test('successive windows cover the whole listing in a stable order without duplicates', async () => {
    const { items, windows } = await all((w) => adapter().listRepositories(w), 100);
    expect(windows).toBe(4);
    expect(items).toHaveLength(REPOSITORIES);
    expect(new Set(items.map((r) => r.forgeId)).size).toBe(REPOSITORIES);
    expect(items.map((r) => r.forgeId)).toEqual(fake.seeded.map((r) => String(r.id)));
  });

  test('maps the forge fields', async () => {
    const { items } = await adapter().listRepositories({ offset: 0, limit: 8 });
    const seeded = fake.seeded[0]!;
    expect(items[0]).toEqual<RepositoryInfo>({
      forgeId: String(seeded.id),
      name: 'api-000',
      fullName: 'acme/api-000',
      owner: 'acme',
      isPrivate: true,
      defaultBranch: 'main',
      cloneUrl: `${fake.url}/acme/api-000.git`,
      webUrl: `${fake.url}/acme/api-000`,
      updatedAt: new Date(seeded.updatedAt),
    });
    expect(items[1]!.isPrivate).toBe(false);
    expect(items[7]!.defaultBranch).toBe('master');
  });

  test('search filters in the adapter over the whole listing (GitHub cannot search an installation), then windows', async () => {
    const gh = adapter();
    await warm(gh);
    const matching = fake.seeded.filter((r) => r.name.includes('billing')).map((r) => `acme/${r.name}`);
    expect(matching.length).toBe(50);

    const first = await gh.listRepositories({ offset: 0, limit: 20, search: 'BILLING' });
    expect(first.items.map((r) => r.fullName)).toEqual(matching.slice(0, 20));
    expect(first.totalCount).toBe(50);
    // The whole listing, 100 at a time, and no search parameter (there is none on this endpoint).
    expect(repositoryPages().map((r) => r.url.searchParams.get('page'))).toEqual(['1', '2', '3', '4']);
    expect(repositoryPages().every((r) => [...r.url.searchParams.keys()].sort().join() === 'page,per_page')).toBe(true);

    const last = await gh.listRepositories({ offset: 40, limit: 20, search: 'billing' });
    expect(last.items.map((r) => r.fullName)).toEqual(matching.slice(40));
    const none = await gh.listRepositories({ offset: 0, limit: 20, search: 'no-such-repository' });
    expect(none).toEqual({ items: [], totalCount: 0 });
  });
});

describe('branches', () => {
  const monorepo = () => fake.seeded.find((r) => r.name === 'monorepo')!;
  const branchCalls = () => apiCalls('/repos/acme/monorepo/branches');
  const repositoryCalls = () => apiCalls('/repos/acme/monorepo');

  test(`all ${MONOREPO_BRANCHES} branches over windows, with isDefault and isProtected, and what the listing costs`, async () => {
    const gh = adapter();
    await warm(gh);
    const { items, windows } = await all((w) => gh.listBranches('acme/monorepo', w), 100);
    const windowed = { windows, requests: fake.requests.length, repository: repositoryCalls().length, pages: branchCalls().length };
    expect(items).toHaveLength(MONOREPO_BRANCHES);
    expect(new Set(items.map((b) => b.name)).size).toBe(MONOREPO_BRANCHES);
    expect(items).toEqual(
      monorepo().branches.map<BranchInfo>((b) => ({ name: b.name, commitSha: b.sha, isProtected: b.isProtected, isDefault: b.name === 'develop' })),
    );
    expect(items.filter((b) => b.isDefault).map((b) => b.name)).toEqual(['develop']);
    expect(items.filter((b) => b.isProtected).length).toBe(1 + items.filter((b) => b.name.startsWith('release/')).length);
    expect(branchCalls().every((r) => r.url.searchParams.get('per_page') === '100')).toBe(true);
    // Five windows of 100: each is one page of branches plus the repository (for its default branch).
    expect(windowed).toEqual({ windows: 5, requests: 10, repository: 5, pages: 5 });

    fake.server.reset();
    const single = await gh.listBranches('acme/monorepo', { offset: 0, limit: MONOREPO_BRANCHES });
    expect(single.items).toHaveLength(MONOREPO_BRANCHES);
    expect(single.totalCount).toBe(MONOREPO_BRANCHES);
    const once = { requests: fake.requests.length, repository: repositoryCalls().length, pages: branchCalls().length };
    expect(once).toEqual({ requests: 6, repository: 1, pages: 5 });

    report(
      `[github] a ${MONOREPO_BRANCHES}-branch listing costs ${windowed.requests} forge requests in windows of 100 ` +
        `(${windowed.windows} windows × (1 branch page + 1 GET /repos/{owner}/{repo})) and ${once.requests} as one window of ${MONOREPO_BRANCHES} ` +
        `(5 branch pages + 1 repository call), with the installation token already cached (else +1 POST access_tokens)`,
    );
  });

  test('a window in the middle reads only its pages; the last window reports the count', async () => {
    const gh = adapter();
    await warm(gh);
    const middle = await gh.listBranches('acme/monorepo', { offset: 150, limit: 100 });
    expect(middle.items.map((b) => b.name)).toEqual(monorepo().branches.slice(150, 250).map((b) => b.name));
    expect(branchCalls().map((r) => r.url.searchParams.get('page'))).toEqual(['2', '3']);
    expect(middle.totalCount).toBeNull();
    const end = await gh.listBranches('acme/monorepo', { offset: 440, limit: 100 });
    expect(end.items).toHaveLength(10);
    expect(end.totalCount).toBe(MONOREPO_BRANCHES);
  });

  test('search filters branch names in the adapter', async () => {
    const gh = adapter();
    await warm(gh);
    const expected = monorepo().branches.filter((b) => b.name.includes('release/'));
    const page = await gh.listBranches('acme/monorepo', { offset: 0, limit: 100, search: 'Release/' });
    expect(page.items.map((b) => b.name)).toEqual(expected.map((b) => b.name));
    expect(page.totalCount).toBe(expected.length);
    expect(page.items.every((b) => b.isProtected && !b.isDefault)).toBe(true);
    expect(branchCalls().map((r) => r.url.searchParams.get('page'))).toEqual(['1', '2', '3', '4', '5']);
    expect(repositoryCalls()).toHaveLength(1);
  });

  test('a small repository: one page, no Link, default branch marked', async () => {
    const page = await adapter().listBranches('acme/web-001', { offset: 0, limit: 100 });
    expect(page.items.map((b) => [b.name, b.isDefault, b.isProtected])).toEqual([
      ['feature/task-0001', false, false],
      ['feature/task-0002', false, false],
      ['main', true, true],
    ]);
    expect(page.totalCount).toBe(3);
  });
});

describe('typed errors', () => {
  test('a key that is not the App’s: ForgeAuthFailedError (JWT rejected), for the App and for installation calls', async () => {
    const wrong = adapter({ githubPrivateKey: otherKeys.privateKey });
    const error = await failure(wrong.testConnection(), ForgeAuthFailedError);
    expect(error.message).toMatch(/JSON web token/);
    await failure(wrong.listRepositories({ offset: 0, limit: 10 }), ForgeAuthFailedError);
    expect(fake.issuedTokens.length).toBeGreaterThan(0);
    await failure(adapter({ githubAppId: APP_ID + 1, githubClientId: null }).testConnection(), ForgeAuthFailedError);
  });

  test('the client ID is accepted as the JWT issuer', async () => {
    const report = await adapter({ githubAppId: null }).testConnection();
    expect(report.identity).toBe('forgegraph-test');
  });

  test('an expired installation token: ForgeAuthFailedError, then a new token (auth-app corrects its JWT clock from the Date header)', async () => {
    // A forge of its own: a fresh token cache and throttling limiter, untouched by the other tests.
    const own = await new FakeGitHub({ appId: APP_ID, clientId: CLIENT_ID, publicKey: appKeys.publicKey, installationId: INSTALLATION_ID }).start();
    own.seed({ repositories: 20 });
    try {
      const gh = adapter({ githubUrl: own.url });
      // auth-app retries a 401 for 5 s after minting a token (replication delay), so the token is minted
      // with the host clock 10 s back: by the time it is refused, auth-app sees a 10 s old token.
      vi.useFakeTimers({ toFake: ['Date'], now: Date.now() - 10_000, shouldAdvanceTime: true });
      try {
        await gh.listRepositories({ offset: 0, limit: 1 });
      } finally {
        vi.useRealTimers();
      }
      own.server.reset();
      own.advanceClock(61 * 60 * 1000);

      const error = await failure(gh.listRepositories({ offset: 0, limit: 10 }), ForgeAuthFailedError);
      expect(error.message).toMatch(/installation access token/);
      expect(own.requestsTo('/installation/repositories')).toHaveLength(1);
      for (const secret of own.issuedTokens) expect(JSON.stringify([error.message, error.stack])).not.toContain(secret);

      // The refused token was dropped: the next call mints another. Its first JWT is stale by the fake's clock
      // (401 "'Expiration time' claim ..."); auth-app re-signs it with the offset from the Date header.
      const page = await gh.listRepositories({ offset: 0, limit: 10 });
      expect(page.items).toHaveLength(10);
      expect(own.requestsTo(/access_tokens$/, 'POST')).toHaveLength(2);
      expect(own.issuedTokens).toHaveLength(2);
    } finally {
      await own.stop();
    }
  });

  test('a suspended installation: ForgeInstallationRemovedError that says so', async () => {
    const gh = adapter();
    await warm(gh);
    fake.suspendInstallation();
    try {
      const fromTest = await failure(gh.testConnection(), ForgeInstallationRemovedError);
      expect(fromTest.message).toMatch(/suspended/);
      expect(fromTest.reason).toBe('suspended');
      const fromListing = await failure(gh.listRepositories({ offset: 0, limit: 10 }), ForgeInstallationRemovedError);
      expect(fromListing.message).toMatch(/suspended/);
      expect(fromListing.reason).toBe('suspended');
    } finally {
      fake.installation.suspendedAt = null;
    }
  });

  test('an unknown installation: ForgeInstallationRemovedError (deleted)', async () => {
    const missing = adapter({ githubInstallationId: '777' });
    const error = await failure(missing.testConnection(), ForgeInstallationRemovedError);
    expect(error.message).toMatch(/installation 777 not found/);
    expect(error.reason).toBe('deleted');
    const fromListing = await failure(missing.listBranches('acme/web-001', { offset: 0, limit: 10 }), ForgeInstallationRemovedError);
    expect(fromListing.message).toMatch(/installation 777 not found/);
  });

  test('an unknown repository: ForgeNotFoundError', async () => {
    const error = await failure(adapter().listBranches('acme/no-such-repo', { offset: 0, limit: 10 }), ForgeNotFoundError);
    expect(error.message).toMatch(/acme\/no-such-repo not found/);
    await failure(adapter().listBranches('not-a-full-name', { offset: 0, limit: 10 }), ForgeNotFoundError);
  });

  test.each([403, 429] as const)('primary rate limit spent (HTTP %i): ForgeRateLimitedError with the reset time, not retried', async (status) => {
    const gh = adapter();
    await warm(gh);
    fake.exhaustRateLimit(status);
    try {
      const { reset } = fake.rateLimit();
      const error = await failure(gh.listRepositories({ offset: 0, limit: 10 }), ForgeRateLimitedError);
      expect(error.resetAt).toEqual(new Date(reset * 1000));
      expect(repositoryPages()).toHaveLength(1);
    } finally {
      fake.resetRateLimit();
    }
  });

  test('secondary rate limit with a long retry-after: ForgeRateLimitedError at once', async () => {
    const gh = adapter();
    await warm(gh);
    fake.secondaryRateLimitNext(1, { retryAfter: 60 });
    const before = Date.now();
    const error = await failure(gh.listRepositories({ offset: 0, limit: 10 }), ForgeRateLimitedError);
    expect(error.message).toMatch(/secondary rate limit/);
    expect(error.resetAt!.getTime()).toBeGreaterThanOrEqual(before + 60_000);
    expect(error.resetAt!.getTime()).toBeLessThanOrEqual(Date.now() + 60_000);
    expect(repositoryPages()).toHaveLength(1);
  });

  test('secondary rate limit with a short retry-after: plugin-throttling waits it out, then success', async () => {
    const gh = adapter({}, ownHttp({ maxRetryWaitMs: 1_500 }));
    await warm(gh);
    fake.secondaryRateLimitNext(1, { retryAfter: 1 });
    const page = await gh.listRepositories({ offset: 0, limit: 10 });
    expect(page.items).toHaveLength(10);
    expect(repositoryPages()).toHaveLength(2);
  });

  test('5xx is retried (plugin-retry), then success', async () => {
    const gh = adapter();
    await warm(gh);
    fake.server.failNext(2, { status: 503 });
    const page = await gh.listRepositories({ offset: 0, limit: 10 });
    expect(page.items).toHaveLength(10);
    expect(repositoryPages()).toHaveLength(3);
  });

  test('retry budget spent: ForgeUnreachableError after 1 + maxRetries attempts', async () => {
    const gh = adapter();
    await warm(gh);
    fake.server.failNext(10, { status: 502, body: { message: 'Server Error' } });
    const error = await failure(gh.listRepositories({ offset: 0, limit: 10 }), ForgeUnreachableError);
    expect(error.timedOut).toBe(false);
    expect(error.message).toMatch(/HTTP 502/);
    expect(repositoryPages()).toHaveLength(1 + http.options.maxRetries);
  });

  test('a hung forge: ForgeUnreachableError with timedOut, every attempt cut at the attempt timeout', async () => {
    const gh = adapter({}, ownHttp({ attemptTimeoutMs: 150 }));
    await warm(gh);
    fake.server.hangNext(10, 2_000);
    const error = await failure(gh.listRepositories({ offset: 0, limit: 10 }), ForgeUnreachableError);
    expect(error.timedOut).toBe(true);
    expect(repositoryPages()).toHaveLength(1 + http.options.maxRetries);
  });

  test('connection refused: ForgeUnreachableError', async () => {
    const gone = await new FakeGitHub({ appId: APP_ID, clientId: CLIENT_ID, publicKey: appKeys.publicKey, installationId: INSTALLATION_ID }).start();
    const url = gone.url;
    await gone.stop();
    const error = await failure(adapter({ githubUrl: url }).testConnection(), ForgeUnreachableError);
    expect(error.timedOut).toBe(false);
    expect(error.message).toMatch(/ECONNREFUSED/);
  });

  test.each<[string, Partial<GitHubAdapterSettings>, string]>([
    ['no App ID nor client ID', { githubAppId: null, githubClientId: null }, 'githubAppId'],
    ['no private key', { githubPrivateKey: null }, 'githubPrivateKey'],
    ['a private key that is not PEM', { githubPrivateKey: 'canary-not-a-key-7f3a9' }, 'githubPrivateKey'],
    ['an EC private key', { githubPrivateKey: generateKeyPairSync('ec', { namedCurve: 'P-256', privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey }, 'githubPrivateKey'],
    ['no installation ID', { githubInstallationId: null }, 'githubInstallationId'],
    ['a non-numeric installation ID', { githubInstallationId: 'acme' }, 'githubInstallationId'],
    ['an unusable URL', { githubUrl: 'not a url' }, 'githubUrl'],
  ])('misconfigured: %s → ForgeMisconfiguredError naming the field, no request', async (_name, overrides, field) => {
    const gh = adapter(overrides);
    for (const call of [gh.testConnection(), gh.listRepositories({ offset: 0, limit: 10 }), gh.listBranches('acme/web-001', { offset: 0, limit: 10 })]) {
      const error = await failure(call, ForgeMisconfiguredError);
      expect(error.field).toBe(field);
      expect(error.message).not.toContain('canary-not-a-key');
    }
    expect(fake.requests).toHaveLength(0);
  });
});

describe('SSRF address policy', () => {
  test('refused when nothing is allowed: ForgeAddressNotAllowedError, and the fake sees no request', async () => {
    const closed = new ForgeHttp({ policy: new AddressPolicy(''), attemptTimeoutMs: 2_000, maxRetries: 2, maxRetryWaitMs: 300 });
    closeLater.push(closed);
    const gh = adapter({}, closed);
    const error = await failure(gh.testConnection(), ForgeAddressNotAllowedError);
    expect(error.address).toBe('127.0.0.1');
    await failure(gh.listRepositories({ offset: 0, limit: 10 }), ForgeAddressNotAllowedError);
    expect(fake.requests).toHaveLength(0);
  });

  test('allowed by FORGEGRAPH_ALLOWED_PRIVATE_HOSTS=127.0.0.1', async () => {
    const open = new ForgeHttp({ policy: new AddressPolicy('127.0.0.1'), attemptTimeoutMs: 2_000, maxRetries: 2, maxRetryWaitMs: 300 });
    closeLater.push(open);
    const report = await adapter({}, open).testConnection();
    expect(report.repositoryCount).toBe(REPOSITORIES);
    expect(fake.requests.length).toBeGreaterThan(0);
  });
});

describe('the fake follows the contract', () => {
  test('octokit.paginate follows its absolute Link URLs (per_page echoed, capped at 100, no next on the last page)', async () => {
    const PaginatingOctokit = Octokit.plugin(paginateRest);
    const octokit = new PaginatingOctokit({
      baseUrl: fake.apiUrl,
      authStrategy: createAppAuth,
      auth: { appId: APP_ID, privateKey: appKeys.privateKey, installationId: INSTALLATION_ID },
      request: { fetch: http.fetchFn({ retry: false }) },
    });
    const repositories = await octokit.paginate('GET /installation/repositories', { per_page: 100 });
    expect(repositories).toHaveLength(REPOSITORIES);
    const branches = await octokit.paginate('GET /repos/{owner}/{repo}/branches', { owner: 'acme', repo: 'monorepo', per_page: 250 });
    expect(branches).toHaveLength(MONOREPO_BRANCHES);
    const pages = apiCalls(/^\/repositories\/\d+\/branches$/);
    expect(pages.map((r) => [r.url.searchParams.get('per_page'), r.url.searchParams.get('page')])).toEqual([
      ['250', '2'],
      ['250', '3'],
      ['250', '4'],
      ['250', '5'],
    ]);
    const first = await octokit.request('GET /installation/repositories', { per_page: 100, page: 4 });
    expect(first.headers.link).toBe(
      `<${fake.apiUrl}/installation/repositories?per_page=100&page=3>; rel="prev", <${fake.apiUrl}/installation/repositories?per_page=100&page=1>; rel="first"`,
    );
  });

  test('rate-limit headers and a Date on every response, ETag and 304 on If-None-Match (not counted)', async () => {
    await warm();
    const gh = adapter();
    await gh.listRepositories({ offset: 0, limit: 1 });
    const token = repositoryPages()[0]!.headers.authorization!;
    const get = (headers: Record<string, string> = {}) => fetch(`${fake.apiUrl}/repos/acme/web-001`, { headers: { authorization: token, 'user-agent': 't', ...headers } });
    const first = await get();
    expect(first.status).toBe(200);
    expect(first.headers.get('date')).toBeTruthy();
    expect(first.headers.get('x-ratelimit-resource')).toBe('core');
    const etag = first.headers.get('etag')!;
    const used = Number(first.headers.get('x-ratelimit-used'));
    const second = await get({ 'if-none-match': etag });
    expect(second.status).toBe(304);
    expect(await second.text()).toBe('');
    expect(Number(second.headers.get('x-ratelimit-used'))).toBe(used);
    const anonymous = await fetch(`${fake.apiUrl}/installation/repositories`, { headers: { 'user-agent': 't' } });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('x-ratelimit-limit')).toBe('60');
  });
});
