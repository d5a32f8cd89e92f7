import { randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import {
  ForgeAddressNotAllowedError,
  ForgeAuthFailedError,
  ForgeError,
  ForgeMisconfiguredError,
  ForgeNotFoundError,
  ForgeRateLimitedError,
  ForgeUnreachableError,
} from '../../src/providers/errors.js';
import { createGiteaAdapter } from '../../src/providers/gitea/adapter.js';
import { AddressPolicy } from '../../src/providers/http/address-policy.js';
import { ForgeHttp } from '../../src/providers/http/forge-http.js';
import { staticTokenSource, type GiteaAdapterSettings } from '../../src/providers/settings.js';
import type { ForgeAdapter, Page, RepositoryInfo } from '../../src/providers/types.js';
import type { FakeRequest } from '../fakes/fake-server.js';
import { FakeGitea } from '../fakes/gitea/fake-gitea.js';
import { testForgeHttp } from '../support/forge-http.js';

// Canary secrets: unique values that must never show up in an error, its stack, its cause chain or a log line.
const TOKEN = `gitea-canary-token-${randomUUID()}`;
const EXPIRED_TOKEN = `gitea-canary-expired-${randomUUID()}`;
const UNKNOWN_TOKEN = `gitea-canary-unknown-${randomUUID()}`;
const SECRETS = [TOKEN, EXPIRED_TOKEN, UNKNOWN_TOKEN];

const MONOREPO = 'acme/monorepo';

let fake: FakeGitea;
let http: ForgeHttp;
const extraHttp: ForgeHttp[] = [];
const extraFakes: FakeGitea[] = [];
const caught: unknown[] = [];

/** The settings, with `accessToken` (a fixed token) standing for a static token source. */
type SettingsOverrides = Partial<GiteaAdapterSettings> & { accessToken?: string | null };

function settings({ accessToken = TOKEN, ...overrides }: SettingsOverrides = {}): GiteaAdapterSettings {
  return { type: 'GITEA', giteaUrl: fake.url, giteaInternalUrl: null, tokens: staticTokenSource(accessToken), ...overrides };
}

function adapter(overrides: SettingsOverrides = {}, forgeHttp: ForgeHttp = http): ForgeAdapter {
  return createGiteaAdapter(settings(overrides), forgeHttp);
}

function ownHttp(overrides: Parameters<typeof testForgeHttp>[0] = {}): ForgeHttp {
  const created = testForgeHttp(overrides);
  extraHttp.push(created);
  return created;
}

async function startFake(options: ConstructorParameters<typeof FakeGitea>[0]): Promise<FakeGitea> {
  const started = await new FakeGitea(options).start();
  extraFakes.push(started);
  return started;
}

/** Requests the fake received while `run` ran, as `METHOD /path?query`. */
async function recorded<T>(run: () => Promise<T>, on: FakeGitea = fake): Promise<{ result: T; requests: FakeRequest[]; lines: string[] }> {
  const before = on.requests.length;
  const result = await run();
  const requests = on.requests.slice(before);
  return { result, requests, lines: requests.map((r) => `${r.method} ${r.url.pathname}${r.url.search}`) };
}

/** No secret in anything an error exposes, and no cause carrying client internals. */
function expectNoSecrets(error: unknown): void {
  const texts: string[] = [];
  for (let current: unknown = error, depth = 0; current && depth < 10; current = (current as { cause?: unknown }).cause, depth++) {
    if (depth > 0) expect(current, 'a cause must be a typed ForgeError, never a client error object').toBeInstanceOf(ForgeError);
    const e = current as Error;
    texts.push(JSON.stringify(e), e.message, String(e), e.stack ?? '', inspect(e, { depth: 10, showHidden: true }));
  }
  for (const text of texts) for (const secret of SECRETS) expect(text).not.toContain(secret);
  expect((error as { cause?: unknown }).cause).toBeUndefined();
}

/** The typed error a call fails with, after the canary scan. */
async function failure<T extends ForgeError>(promise: Promise<unknown>, type: abstract new (...args: never[]) => T): Promise<T> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'the call should have failed').toBeDefined();
  caught.push(error);
  expectNoSecrets(error);
  expect(error).toBeInstanceOf(type);
  return error as T;
}

async function allWindows<T>(list: (offset: number) => Promise<Page<T>>, limit: number): Promise<T[]> {
  const items: T[] = [];
  for (let offset = 0; ; offset += limit) {
    const page = await list(offset);
    items.push(...page.items);
    if (page.items.length < limit) return items;
  }
}

beforeAll(async () => {
  fake = await new FakeGitea({
    seed: { repositories: 350, bigRepositories: [{ fullName: MONOREPO, branches: 450, defaultBranch: 'develop' }] },
    tokens: [TOKEN, EXPIRED_TOKEN],
  }).start();
  http = testForgeHttp();
});

afterEach(() => {
  // Tokens travel only in the Authorization header, never in a URL.
  for (const request of fake.requests) for (const secret of SECRETS) expect(request.url.href).not.toContain(secret);
  fake.reset();
});

afterAll(async () => {
  await fake.stop();
  for (const other of extraFakes) await other.stop();
  await http.close();
  for (const other of extraHttp) await other.close();
});

describe('Gitea adapter: test connection', () => {
  it('reports the user, the repository count from X-Total-Count, no scopes and no rate limit', async () => {
    const { result: report, requests, lines } = await recorded(() => adapter().testConnection());
    expect(report).toEqual({
      identity: 'forgegraph-bot',
      account: null,
      permissions: null,
      repositoryCount: 350,
      hasRepositories: true,
      rateLimit: null,
      warnings: [],
    });
    expect(lines).toEqual(['GET /api/v1/user', 'GET /api/v1/user/repos?page=1&limit=1']);
    for (const request of requests) {
      expect(request.headers.authorization).toBe(`token ${TOKEN}`);
      expect(request.url.search).not.toContain(TOKEN);
    }
  });

  it('says when there are no repositories and warns about a site-administrator token', async () => {
    const empty = await startFake({ seed: { repositories: 0, foreignRepositories: 2, isAdmin: true }, tokens: [TOKEN] });
    const report = await adapter({ giteaUrl: empty.url }).testConnection();
    expect(report).toMatchObject({ identity: 'forgegraph-bot', repositoryCount: 0, hasRepositories: false });
    expect(report.warnings).toHaveLength(1);
    expect(report.warnings[0]).toMatch(/administrator/);
  });

  it('talks to giteaInternalUrl when set, while URLs stay on the public ROOT_URL', async () => {
    fake.setRootUrl('https://gitea.example.com/');
    const gitea = adapter({ giteaUrl: 'https://gitea.example.com', giteaInternalUrl: `${fake.url}/` });
    const { result, lines } = await recorded(() => gitea.listRepositories({ offset: 0, limit: 60 }));
    expect(result.items).toHaveLength(60);
    expect(result.items[0]!.cloneUrl).toMatch(/^https:\/\/gitea\.example\.com\/.+\.git$/);
    // The Link header points at the public host; the adapter asks for numbered pages on the internal URL instead.
    expect(lines).toEqual(['GET /api/v1/user/repos?page=1&limit=50', 'GET /api/v1/user/repos?page=2&limit=50']);
  });
});

describe('Gitea adapter: repositories', () => {
  const fullNames = (page: Page<RepositoryInfo>) => page.items.map((r) => r.fullName);

  it('covers all 7 forge pages in offset windows, in Gitea order, without duplicates', async () => {
    const expected = fake.reachableRepositories().map((r) => `${r.owner.login}/${r.name}`);
    expect(expected).toHaveLength(350);
    const gitea = adapter();

    const first = await recorded(() => gitea.listRepositories({ offset: 0, limit: 100 }));
    expect(fullNames(first.result)).toEqual(expected.slice(0, 100));
    expect(first.result.totalCount).toBe(350);
    expect(first.lines).toEqual(['GET /api/v1/user/repos?page=1&limit=50', 'GET /api/v1/user/repos?page=2&limit=50']);

    const second = await recorded(() => gitea.listRepositories({ offset: 100, limit: 100 }));
    expect(fullNames(second.result)).toEqual(expected.slice(100, 200));
    expect(second.lines).toEqual(['GET /api/v1/user/repos?page=3&limit=50', 'GET /api/v1/user/repos?page=4&limit=50']);

    const late = await recorded(() => gitea.listRepositories({ offset: 250, limit: 100 }));
    expect(fullNames(late.result)).toEqual(expected.slice(250, 350));
    expect(late.result.items).toHaveLength(100);
    expect(late.requests).toHaveLength(2);

    const tail = await recorded(() => gitea.listRepositories({ offset: 340, limit: 100 }));
    expect(fullNames(tail.result)).toEqual(expected.slice(340));
    expect(tail.result.items).toHaveLength(10);
    expect(tail.lines).toEqual(['GET /api/v1/user/repos?page=7&limit=50']);

    const all = await allWindows((offset) => gitea.listRepositories({ offset, limit: 100 }), 100);
    expect(all.map((r) => r.fullName)).toEqual(expected);
    expect(new Set(all.map((r) => r.forgeId)).size).toBe(350);
    for (const request of fake.requests) {
      if (request.url.pathname.endsWith('/user/repos')) expect(request.url.searchParams.get('limit')).toBe('50');
    }
  });

  it('maps the repository fields', async () => {
    const source = fake.reachableRepositories()[5]!;
    const page = await adapter().listRepositories({ offset: 5, limit: 1 });
    const fullName = `${source.owner.login}/${source.name}`;
    expect(page.items).toEqual([
      {
        forgeId: String(source.id),
        name: source.name,
        fullName,
        owner: source.owner.login,
        isPrivate: source.isPrivate,
        defaultBranch: source.defaultBranch,
        cloneUrl: `${fake.url}/${fullName}.git`,
        webUrl: `${fake.url}/${fullName}`,
        updatedAt: source.updatedAt,
      },
    ]);
  });

  it('searches on the Gitea side with q and the user id, over several pages', async () => {
    const expected = fake.reachableRepositories().filter((r) => r.name.includes('a')).map((r) => `${r.owner.login}/${r.name}`);
    expect(expected.length).toBeGreaterThan(100);
    const gitea = adapter();
    const { result, lines, requests } = await recorded(() => gitea.listRepositories({ offset: 0, limit: 100, search: 'a' }));
    expect(fullNames(result)).toEqual(expected.slice(0, 100));
    expect(result.totalCount).toBe(expected.length);
    expect(lines).toEqual([
      'GET /api/v1/user',
      'GET /api/v1/repos/search?q=a&uid=1&sort=alpha&order=asc&page=1&limit=50',
      'GET /api/v1/repos/search?q=a&uid=1&sort=alpha&order=asc&page=2&limit=50',
    ]);
    expect(requests.filter((r) => r.url.searchParams.get('q') === 'a')).toHaveLength(2);

    const rest = await allWindows((offset) => gitea.listRepositories({ offset, limit: 40, search: 'a' }), 40);
    expect(rest.map((r) => r.fullName)).toEqual(expected);
  });

  it('keeps search to the reachable repositories (never other users’ public ones)', async () => {
    const foreignPublic = fake.data.repositories.filter((r) => r.owner.login === 'stranger' && !r.isPrivate && r.name.includes('infra'));
    expect(foreignPublic.length).toBeGreaterThan(0);
    const page = await adapter().listRepositories({ offset: 0, limit: 100, search: 'INFRA' });
    const expected = fake.reachableRepositories().filter((r) => r.name.includes('infra'));
    expect(page.items.map((r) => r.forgeId)).toEqual(expected.map((r) => String(r.id)));
    expect(page.items.some((r) => r.owner === 'stranger')).toBe(false);
  });

  it('filters in the adapter when the search has LIKE wildcards Gitea would not treat literally', async () => {
    const { result, lines } = await recorded(() => adapter().listRepositories({ offset: 0, limit: 100, search: 'api_0' }));
    // Gitea's LIKE '%api_0%' would match every api-0… repository; as a substring it matches none.
    expect(result).toEqual({ items: [], totalCount: 0 });
    expect(lines).toHaveLength(7);
    expect(lines.every((line) => line.startsWith('GET /api/v1/user/repos?page='))).toBe(true);
  });

  it('learns a smaller page size from an instance whose MAX_RESPONSE_ITEMS is below 50', async () => {
    const small = await startFake({ seed: { repositories: 75 }, tokens: [TOKEN], maxResponseItems: 20 });
    const expected = small.reachableRepositories().map((r) => `${r.owner.login}/${r.name}`);
    const gitea = adapter({ giteaUrl: small.url });
    const first = await recorded(() => gitea.listRepositories({ offset: 30, limit: 25 }), small);
    expect(fullNames(first.result)).toEqual(expected.slice(30, 55));
    expect(first.lines).toEqual([
      'GET /api/v1/user/repos?page=1&limit=50',
      'GET /api/v1/user/repos?page=2&limit=20',
      'GET /api/v1/user/repos?page=3&limit=20',
    ]);
    const all = await allWindows((offset) => gitea.listRepositories({ offset, limit: 30 }), 30);
    expect(all.map((r) => r.fullName)).toEqual(expected);
  });
});

describe('Gitea adapter: branches', () => {
  const expectedBranches = () => {
    const repo = fake.repository(MONOREPO)!;
    return fake.branchesInOrder(repo).map((b) => ({ name: b.name, commitSha: b.sha, isProtected: b.isProtected, isDefault: b.name === repo.defaultBranch }));
  };

  it('lists all 450 branches over windows, with isDefault and isProtected, and reports what it costs', async () => {
    const expected = expectedBranches();
    expect(expected).toHaveLength(450);
    const gitea = adapter();

    const first = await recorded(() => gitea.listBranches(MONOREPO, { offset: 0, limit: 100 }));
    expect(first.result.items).toEqual(expected.slice(0, 100));
    expect(first.result.totalCount).toBe(450);
    expect([...first.lines].sort()).toEqual([
      'GET /api/v1/repos/acme/monorepo',
      'GET /api/v1/repos/acme/monorepo/branches?page=1&limit=50',
      'GET /api/v1/repos/acme/monorepo/branches?page=2&limit=50',
    ]);

    const windows = await recorded(() => allWindows((offset) => gitea.listBranches(MONOREPO, { offset, limit: 100 }), 100));
    expect(windows.result).toEqual(expected);
    expect(new Set(windows.result.map((b) => b.name)).size).toBe(450);
    expect(windows.result.filter((b) => b.isDefault).map((b) => b.name)).toEqual(['develop']);
    expect(windows.result.find((b) => b.name === 'main')).toMatchObject({ isProtected: true, isDefault: false });
    expect(windows.result.find((b) => b.name.startsWith('feature/'))).toMatchObject({ isProtected: false, isDefault: false });
    // 5 windows: each GET /repos/acme/monorepo once, plus the 9 branch pages of 50 it covers.
    expect(windows.requests).toHaveLength(14);

    const single = await recorded(() => gitea.listBranches(MONOREPO, { offset: 0, limit: 450 }));
    expect(single.result.items).toEqual(expected);
    expect(single.requests).toHaveLength(10);
    console.log(
      `Gitea: a full 450-branch listing costs ${windows.requests.length} forge requests in windows of 100 ` +
        `(5 windows), ${single.requests.length} as one window of 450 (1 repository + 9 pages of 50)`,
    );
  });

  it('searches branch names in the adapter, over the whole listing', async () => {
    const expected = expectedBranches().filter((b) => b.name.includes('feature/api'));
    expect(expected.length).toBeGreaterThan(10);
    const { result, lines } = await recorded(() => adapter().listBranches(MONOREPO, { offset: 2, limit: 5, search: 'Feature/API' }));
    expect(result.items).toEqual(expected.slice(2, 7));
    expect(result.totalCount).toBe(expected.length);
    expect(lines.filter((line) => line.includes('/branches?'))).toHaveLength(9);
    expect(lines.every((line) => !line.includes('q=') && !line.includes('search='))).toBe(true);
  });

  it('lists a small repository in one page', async () => {
    const repo = fake.reachableRepositories().find((r) => r.name !== 'monorepo' && r.defaultBranch === 'develop')!;
    const page = await adapter().listBranches(`${repo.owner.login}/${repo.name}`, { offset: 0, limit: 100 });
    expect(page.items.map((b) => b.name).sort()).toEqual(repo.branches.map((b) => b.name).sort());
    expect(page.items.filter((b) => b.isDefault).map((b) => b.name)).toEqual(['develop']);
  });
});

describe('Gitea adapter: typed errors', () => {
  let consoleSpies: MockInstance[] = [];
  beforeEach(() => {
    consoleSpies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((method) => vi.spyOn(console, method));
  });
  afterEach(() => {
    for (const spy of consoleSpies) {
      expect(spy, 'adapters do not log').not.toHaveBeenCalled();
      spy.mockRestore();
    }
  });

  it('401 for an unknown token, on every call', async () => {
    const gitea = adapter({ accessToken: UNKNOWN_TOKEN });
    const error = await failure(gitea.testConnection(), ForgeAuthFailedError);
    expect(error.message).toMatch(/HTTP 401/);
    await failure(gitea.listRepositories({ offset: 0, limit: 10 }), ForgeAuthFailedError);
    await failure(gitea.listRepositories({ offset: 0, limit: 10, search: 'api' }), ForgeAuthFailedError);
  });

  it('401 for an expired token, also where Gitea first answers 404 for a private repository', async () => {
    fake.expireToken(EXPIRED_TOKEN);
    const gitea = adapter({ accessToken: EXPIRED_TOKEN });
    await failure(gitea.testConnection(), ForgeAuthFailedError);
    const privateRepo = fake.reachableRepositories().find((r) => r.isPrivate)!;
    const { lines } = await recorded(() => failure(gitea.listBranches(`${privateRepo.owner.login}/${privateRepo.name}`, { offset: 0, limit: 10 }), ForgeAuthFailedError));
    expect(lines).toContain('GET /api/v1/user');
  });

  it('an expired token still reads public repositories, because Gitea answers anonymously', async () => {
    fake.expireToken(EXPIRED_TOKEN);
    const publicRepo = fake.reachableRepositories().find((r) => !r.isPrivate)!;
    const page = await adapter({ accessToken: EXPIRED_TOKEN }).listBranches(`${publicRepo.owner.login}/${publicRepo.name}`, { offset: 0, limit: 10 });
    expect(page.items).toHaveLength(publicRepo.branches.length);
  });

  it('403 for a token without the repository scope, naming the scope', async () => {
    fake.setTokenScopes(TOKEN, ['read:user']);
    const error = await failure(adapter().testConnection(), ForgeAuthFailedError);
    expect(error.message).toContain('read:repository');
    expect(error.message).toMatch(/HTTP 403/);
  });

  it('404 for an unknown or invisible repository, and for names that cannot be one', async () => {
    const gitea = adapter();
    const unknown = await failure(gitea.listBranches('acme/does-not-exist', { offset: 0, limit: 10 }), ForgeNotFoundError);
    expect(unknown.message).toContain('acme/does-not-exist');
    const hidden = fake.data.repositories.find((r) => r.owner.login === 'stranger' && r.isPrivate)!;
    await failure(gitea.listBranches(`stranger/${hidden.name}`, { offset: 0, limit: 10 }), ForgeNotFoundError);
    const { requests } = await recorded(async () => {
      await failure(gitea.listBranches('no-slash', { offset: 0, limit: 10 }), ForgeNotFoundError);
      await failure(gitea.listBranches('acme/../../user', { offset: 0, limit: 10 }), ForgeNotFoundError);
      await failure(gitea.listBranches('acme/..', { offset: 0, limit: 10 }), ForgeNotFoundError);
    });
    expect(requests).toHaveLength(0);
  });

  it('a URL that does not lead to a Gitea API is a misconfiguration of that field', async () => {
    const error = await failure(adapter({ giteaUrl: `${fake.url}/not-gitea` }).testConnection(), ForgeMisconfiguredError);
    expect(error.field).toBe('giteaUrl');
    fake.server.failNext(1, { status: 200, body: '<!DOCTYPE html><html>captive portal</html>' });
    const html = await failure(adapter().testConnection(), ForgeMisconfiguredError);
    expect(html.field).toBe('giteaUrl');
  });

  it('429 from a reverse proxy, retried with Retry-After, then rate limited with resetAt', async () => {
    fake.rateLimitByProxy(120);
    const before = Date.now();
    const { result: error, requests } = await recorded(() => failure(adapter().testConnection(), ForgeRateLimitedError));
    expect(requests).toHaveLength(3); // the first attempt and maxRetries (2) retries
    expect(error.resetAt).not.toBeNull();
    expect(error.resetAt!.getTime()).toBeGreaterThanOrEqual(before + 119_000);
    expect(error.resetAt!.getTime()).toBeLessThanOrEqual(Date.now() + 121_000);
  });

  it('5xx is retried, then the call succeeds', async () => {
    fake.server.failNext(2, { status: 503, body: 'Service Unavailable' });
    const { result: report, lines } = await recorded(() => adapter().testConnection());
    expect(report.identity).toBe('forgegraph-bot');
    expect(lines).toEqual(['GET /api/v1/user', 'GET /api/v1/user', 'GET /api/v1/user', 'GET /api/v1/user/repos?page=1&limit=1']);
  });

  it('a 5xx in the middle of a branch listing is retried too', async () => {
    fake.server.failNext(1, { status: 502 });
    const { result, requests } = await recorded(() => adapter().listBranches(MONOREPO, { offset: 0, limit: 100 }));
    expect(result.items).toHaveLength(100);
    expect(requests).toHaveLength(4); // the repository, two branch pages, one retry
  });

  it('the retry budget spent on 5xx gives ForgeUnreachableError', async () => {
    fake.server.failNext(3, { status: 503 });
    const { result: error, requests } = await recorded(() => failure(adapter().testConnection(), ForgeUnreachableError));
    expect(error.timedOut).toBe(false);
    expect(requests).toHaveLength(3);
  });

  it('a hung forge gives ForgeUnreachableError with timedOut', async () => {
    fake.server.hangNext(3, 3_000);
    const error = await failure(adapter({}, ownHttp({ attemptTimeoutMs: 300 })).testConnection(), ForgeUnreachableError);
    expect(error.timedOut).toBe(true);
  });

  it('a refused connection (stopped forge) gives ForgeUnreachableError', async () => {
    const stopped = await new FakeGitea({ seed: { repositories: 1 }, tokens: [TOKEN] }).start();
    const url = stopped.url;
    await stopped.stop();
    const error = await failure(adapter({ giteaUrl: url }).listRepositories({ offset: 0, limit: 10 }), ForgeUnreachableError);
    expect(error.timedOut).toBe(false);
  });

  it('missing or unusable settings give ForgeMisconfiguredError with the field, before any request', async () => {
    const { requests } = await recorded(async () => {
      expect((await failure(adapter({ accessToken: null }).testConnection(), ForgeMisconfiguredError)).field).toBe('accessToken');
      expect((await failure(adapter({ accessToken: '   ' }).listRepositories({ offset: 0, limit: 1 }), ForgeMisconfiguredError)).field).toBe('accessToken');
      expect((await failure(adapter({ giteaUrl: 'not a url' }).testConnection(), ForgeMisconfiguredError)).field).toBe('giteaUrl');
      expect((await failure(adapter({ giteaInternalUrl: 'ftp://gitea.internal' }).listBranches(MONOREPO, { offset: 0, limit: 1 }), ForgeMisconfiguredError)).field).toBe(
        'giteaInternalUrl',
      );
    });
    expect(requests).toHaveLength(0);
  });
});

describe('Gitea adapter: address policy', () => {
  it('refuses 127.0.0.1 when nothing is allowed, before any request reaches the forge', async () => {
    const closed = new ForgeHttp({ policy: new AddressPolicy(''), attemptTimeoutMs: 2_000, maxRetries: 2, maxRetryWaitMs: 300 });
    extraHttp.push(closed);
    const gitea = adapter({}, closed);
    const { requests } = await recorded(async () => {
      await failure(gitea.testConnection(), ForgeAddressNotAllowedError);
      await failure(gitea.listRepositories({ offset: 0, limit: 10 }), ForgeAddressNotAllowedError);
      await failure(gitea.listBranches(MONOREPO, { offset: 0, limit: 10 }), ForgeAddressNotAllowedError);
    });
    expect(requests).toHaveLength(0);
  });

  it('reaches 127.0.0.1 when the operator allows it', async () => {
    const open = new ForgeHttp({ policy: new AddressPolicy('127.0.0.1'), attemptTimeoutMs: 2_000, maxRetries: 2, maxRetryWaitMs: 300 });
    extraHttp.push(open);
    const report = await adapter({}, open).testConnection();
    expect(report.identity).toBe('forgegraph-bot');
  });
});

describe('Gitea adapter: canary', () => {
  it('every error above was typed and free of secrets', () => {
    expect(caught.length).toBeGreaterThanOrEqual(20);
    for (const error of caught) {
      expect(error).toBeInstanceOf(ForgeError);
      expectNoSecrets(error);
    }
  });
});
