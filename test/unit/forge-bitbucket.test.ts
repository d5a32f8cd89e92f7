import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createBitbucketAdapter } from '../../src/providers/bitbucket/adapter.js';
import {
  ForgeAddressNotAllowedError,
  ForgeAuthFailedError,
  ForgeError,
  ForgeMisconfiguredError,
  ForgeNotFoundError,
  ForgeRateLimitedError,
  ForgeUnreachableError,
} from '../../src/providers/errors.js';
import { AddressPolicy } from '../../src/providers/http/address-policy.js';
import { ForgeHttp } from '../../src/providers/http/forge-http.js';
import type { BitbucketAdapterSettings } from '../../src/providers/settings.js';
import type { ForgeAdapter, ListWindow } from '../../src/providers/types.js';
import { errorBody } from '../fakes/bitbucket/bodies.js';
import { FakeBitbucket } from '../fakes/bitbucket/fake-bitbucket.js';
import type { FakeRequest } from '../fakes/fake-server.js';
import { testForgeHttp } from '../support/forge-http.js';

// Canary secrets: unique per run, so a leak anywhere is unmistakable.
const canary = randomBytes(12).toString('hex');
const credentials = {
  email: 'dev@example.com',
  apiToken: `ATATT3x-api-token-canary-${canary}`,
  username: 'fake-dev',
  appPassword: `app-password-canary-${canary}`,
};
const secrets = [
  credentials.apiToken,
  credentials.appPassword,
  Buffer.from(`${credentials.email}:${credentials.apiToken}`).toString('base64'),
  Buffer.from(`${credentials.username}:${credentials.appPassword}`).toString('base64'),
  canary,
];

const fake = new FakeBitbucket(credentials);
const http = testForgeHttp();

function settings(overrides: Partial<BitbucketAdapterSettings> = {}): BitbucketAdapterSettings {
  return {
    type: 'BITBUCKET',
    apiUrl: fake.apiUrl,
    bitbucketUsername: null,
    bitbucketEmail: credentials.email,
    appPassword: null,
    apiToken: credentials.apiToken,
    bitbucketWorkspaceName: 'acme',
    ...overrides,
  };
}

function adapter(overrides: Partial<BitbucketAdapterSettings> = {}, forgeHttp: ForgeHttp = http): ForgeAdapter {
  return createBitbucketAdapter(settings(overrides), forgeHttp);
}

/** The typed error a call fails with, after checking that no secret is in any form of it, nor a cause. */
async function failure<T extends ForgeError>(call: Promise<unknown>, type: abstract new (...args: never[]) => T): Promise<T> {
  const error = await call.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(type);
  expectNoSecrets(error);
  return error as T;
}

function expectNoSecrets(error: unknown) {
  const e = error as Error;
  const forms = [JSON.stringify(e), e.message, String(e), e.stack ?? '', JSON.stringify(Object.entries(e))];
  for (const form of forms) for (const secret of secrets) expect(form).not.toContain(secret);
  // No client internals (request, headers, undici errors) ride along as a cause.
  expect((e as { cause?: unknown }).cause).toBeUndefined();
}

const isListing = (r: FakeRequest) => r.url.pathname === '/2.0/repositories/acme';
const isBranchPage = (r: FakeRequest) => r.url.pathname === '/2.0/repositories/acme/big/refs/branches';

/** The repositories in the order the adapter asks for (sort=full_name). */
function expectedRepositoryOrder(): string[] {
  return fake.repositories
    .filter((r) => r.workspace === 'acme')
    .map((r) => `${r.workspace}/${r.slug}`)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

beforeAll(async () => {
  await fake.start();
  // 349 generated + one with 450 branches = 350 repositories in "acme" (4 forge pages of 100).
  fake.seed({ workspace: 'acme', repositories: 349, branchesPerRepo: 3, bigRepos: { big: 450 }, otherWorkspaces: ['partner'] });
});

beforeEach(() => fake.reset());

afterAll(async () => {
  await fake.stop();
  await http.close();
});

describe('testConnection', () => {
  it('reports the account, the workspace permission and the repository count (API token)', async () => {
    const report = await adapter().testConnection();
    expect(report).toEqual({
      identity: 'fake-dev',
      account: 'acme',
      permissions: ['workspace:owner'],
      repositoryCount: 350,
      hasRepositories: true,
      // Bitbucket sends X-RateLimit-* only for access tokens and Forge apps, not for Basic auth.
      rateLimit: null,
      warnings: [],
    });
    const sent = Buffer.from(`${credentials.email}:${credentials.apiToken}`).toString('base64');
    expect(fake.server.requests.every((r) => r.headers.authorization === `Basic ${sent}`)).toBe(true);
    expect(fake.requestsTo('/user')).toHaveLength(1);
    expect(fake.requestsTo('/user/permissions/workspaces')[0]!.url.searchParams.get('q')).toBe('workspace.slug = "acme"');
    expect(fake.requestsTo('/repositories/acme')[0]!.url.searchParams.get('pagelen')).toBe('1');
  });

  it('warns about app passwords, which Atlassian removed on 2026-07-28', async () => {
    const report = await adapter({ apiToken: null, bitbucketEmail: null, bitbucketUsername: credentials.username, appPassword: credentials.appPassword }).testConnection();
    expect(report.identity).toBe('fake-dev');
    expect(report.warnings).toHaveLength(1);
    expect(report.warnings[0]).toMatch(/app password.*2026-07-28.*API token/i);
  });

  it('without a workspace, counts the repositories the account is a member of', async () => {
    const report = await adapter({ bitbucketWorkspaceName: null }).testConnection();
    expect(report).toMatchObject({ account: null, permissions: null, repositoryCount: 350, hasRepositories: true });
    expect(fake.requestsTo('/repositories')[0]!.url.searchParams.get('role')).toBe('member');
  });

  it('says when the account is not a member of the workspace', async () => {
    const report = await adapter({ bitbucketWorkspaceName: 'partner' }).testConnection();
    expect(report).toMatchObject({ account: 'partner', permissions: null, repositoryCount: 0, hasRepositories: false });
    expect(report.warnings.join(' ')).toMatch(/not a member of workspace "partner"/);
  });
});

describe('listRepositories', () => {
  it('serves offset windows over four forge pages, costing only the pages each covers', async () => {
    const expected = expectedRepositoryOrder();
    expect(expected).toHaveLength(350);
    const cases: [ListWindow, number, number][] = [
      // window, items, forge requests
      [{ offset: 0, limit: 100 }, 100, 1],
      [{ offset: 100, limit: 100 }, 100, 1],
      [{ offset: 50, limit: 100 }, 100, 2],
      [{ offset: 250, limit: 100 }, 100, 2],
      [{ offset: 340, limit: 100 }, 10, 1],
    ];
    for (const [window, items, requests] of cases) {
      fake.server.reset();
      const page = await adapter().listRepositories(window);
      expect(page.items.map((r) => r.fullName)).toEqual(expected.slice(window.offset, window.offset + items));
      expect(page.totalCount).toBe(350);
      expect(fake.server.requestCount(isListing)).toBe(requests);
      for (const request of fake.server.requests) {
        expect(request.url.searchParams.get('pagelen')).toBe('100');
        expect(request.url.searchParams.get('sort')).toBe('full_name');
      }
      // The first page a window touches is asked for by number.
      expect(fake.server.requests[0]!.url.searchParams.get('page')).toBe(String(Math.floor(window.offset / 100) + 1));
    }
  });

  it('successive windows cover the listing once, in a stable order', async () => {
    const seen: string[] = [];
    for (let offset = 0; ; offset += 100) {
      const page = await adapter().listRepositories({ offset, limit: 100 });
      seen.push(...page.items.map((r) => r.fullName));
      if (page.items.length < 100) break;
    }
    expect(seen).toEqual(expectedRepositoryOrder());
    expect(new Set(seen).size).toBe(350);
  });

  it('follows the next URL verbatim for later pages', async () => {
    fake.cursorNext = true;
    const page = await adapter().listRepositories({ offset: 50, limit: 200 });
    expect(page.items).toHaveLength(200);
    const [first, ...later] = fake.server.requests.filter(isListing);
    expect(first!.url.searchParams.has('ctx')).toBe(false);
    expect(later).toHaveLength(2);
    // Only the forge's own next link carries the cursor.
    for (const request of later) expect(request.url.searchParams.get('ctx')).toMatch(/^[0-9a-f]{16}$/);
    expect(later.map((r) => r.url.searchParams.get('page'))).toEqual(['2', '3']);
  });

  it('maps the repository fields', async () => {
    const page = await adapter().listRepositories({ offset: 0, limit: 1, search: 'big' });
    const seeded = fake.repositories.find((r) => r.slug === 'big')!;
    expect(page.items).toEqual([
      {
        forgeId: seeded.uuid,
        name: 'big',
        fullName: 'acme/big',
        owner: 'acme',
        isPrivate: seeded.isPrivate,
        defaultBranch: seeded.mainbranch,
        // Bitbucket writes the caller's username into the https clone link; the adapter drops it.
        cloneUrl: 'https://bitbucket.org/acme/big.git',
        webUrl: 'https://bitbucket.org/acme/big',
        updatedAt: new Date(seeded.updatedOn),
      },
    ]);
  });

  it('searches on the forge side with BBQL name ~ "…"', async () => {
    const page = await adapter().listRepositories({ offset: 0, limit: 100, search: 'service' });
    const matching = expectedRepositoryOrder().filter((name) => name.includes('service'));
    expect(matching).toHaveLength(49);
    expect(page.items.map((r) => r.fullName)).toEqual(matching);
    expect(page.totalCount).toBe(49);
    expect(fake.server.requests).toHaveLength(1);
    expect(fake.server.requests[0]!.url.searchParams.get('q')).toBe('name ~ "service"');
  });

  it('escapes quotes and backslashes in the search', async () => {
    const page = await adapter().listRepositories({ offset: 0, limit: 100, search: 'a"b\\c' });
    expect(page.items).toEqual([]);
    expect(fake.server.requests[0]!.url.searchParams.get('q')).toBe('name ~ "a\\"b\\\\c"');
  });

  it('without a workspace lists the repositories the account is a member of', async () => {
    const page = await adapter({ bitbucketWorkspaceName: null }).listRepositories({ offset: 300, limit: 100 });
    expect(page.items.map((r) => r.fullName)).toEqual(expectedRepositoryOrder().slice(300));
    expect(fake.requestsTo('/repositories')[0]!.url.searchParams.get('role')).toBe('member');
  });

  it('copes with a listing without size and with a window past the end', async () => {
    fake.omitSize = true;
    const page = await adapter().listRepositories({ offset: 0, limit: 100 });
    expect(page.items).toHaveLength(100);
    expect(page.totalCount).toBeNull();
    fake.server.reset();
    // Bitbucket answers a page number past the end with 404; page 1 shows the listing itself exists.
    const past = await adapter().listRepositories({ offset: 400, limit: 100 });
    expect(past.items).toEqual([]);
    expect(fake.server.requests.map((r) => r.url.searchParams.get('page'))).toEqual(['5', '1']);
  });

  it('the fake rejects pagelen over 100 like the real API', async () => {
    const response = await fetch(`${fake.apiUrl}/repositories/acme?pagelen=101`, {
      headers: { authorization: `Basic ${Buffer.from(`${credentials.email}:${credentials.apiToken}`).toString('base64')}` },
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ type: 'error', error: { message: expect.any(String) } });
  });
});

describe('listBranches', () => {
  const big = () => fake.repositories.find((r) => r.slug === 'big')!;
  const natural = new Intl.Collator('en', { numeric: true });

  it('lists all 450 branches over windows of 100 and as one window, and reports the cost', async () => {
    const expected = big().branches.map((b) => b.name).sort(natural.compare);
    const seen: string[] = [];
    for (let offset = 0; ; offset += 100) {
      const page = await adapter().listBranches('acme/big', { offset, limit: 100 });
      seen.push(...page.items.map((b) => b.name));
      expect(page.totalCount).toBe(450);
      if (page.items.length < 100) break;
    }
    expect(seen).toEqual(expected);
    const windowed = fake.server.requests.length;
    const windowedPages = fake.server.requestCount(isBranchPage);

    fake.server.reset();
    const whole = await adapter().listBranches('acme/big', { offset: 0, limit: 450 });
    expect(whole.items.map((b) => b.name)).toEqual(expected);
    const single = fake.server.requests.length;
    const singlePages = fake.server.requestCount(isBranchPage);
    console.log(
      `Bitbucket: a 450-branch listing costs ${windowed} forge requests in windows of 100 (${windowedPages} branch pages + repository + branch restrictions per window), ` +
        `${single} as one window of 450 (${singlePages} branch pages + repository + branch restrictions)`,
    );
    // 5 windows × (1 branch page + GET repository + GET branch-restrictions); one window: 5 pages + 2.
    expect([windowed, windowedPages, single, singlePages]).toEqual([15, 5, 7, 5]);
    for (const request of fake.server.requests.filter(isBranchPage)) expect(request.url.searchParams.get('pagelen')).toBe('100');
    expect(fake.server.requests.filter(isBranchPage)[0]!.url.searchParams.get('pagelen')).toBe('100');
  });

  it('marks the default branch (the repository mainbranch) and the restricted ones', async () => {
    const page = await adapter().listBranches('acme/big', { offset: 0, limit: 450 });
    const main = big().mainbranch;
    expect(page.items.filter((b) => b.isDefault).map((b) => b.name)).toEqual([main]);
    // Restrictions: push on the main branch and on release/*; feature/* only needs approvals (not a protection).
    const protectedNames = page.items.filter((b) => b.isProtected).map((b) => b.name);
    expect(protectedNames).toHaveLength(21);
    expect(protectedNames.every((name) => name === main || name.startsWith('release/'))).toBe(true);
    const seeded = new Map(big().branches.map((b) => [b.name, b.hash]));
    expect(page.items.every((b) => b.commitSha === seeded.get(b.name))).toBe(true);
  });

  it('without admin access to the restrictions, no branch is protected and the listing still works', async () => {
    fake.restrictionsForbidden = true;
    const page = await adapter().listBranches('acme/big', { offset: 0, limit: 100 });
    expect(page.items).toHaveLength(100);
    expect(page.items.some((b) => b.isProtected)).toBe(false);
  });

  it('searches on the forge side', async () => {
    const page = await adapter().listBranches('acme/big', { offset: 5, limit: 100, search: 'release' });
    expect(page.items.map((b) => b.name)).toEqual(Array.from({ length: 15 }, (_, i) => `release/${i + 6}`));
    expect(page.totalCount).toBe(20);
    expect(page.items.every((b) => b.isProtected)).toBe(true);
    const requests = fake.server.requests.filter(isBranchPage);
    expect(requests).toHaveLength(1);
    expect(requests[0]!.url.searchParams.get('q')).toBe('name ~ "release"');
  });
});

describe('typed errors, none carrying a secret', () => {
  it('bad credentials → ForgeAuthFailedError', async () => {
    const error = await failure(adapter({ apiToken: `wrong-${canary}` }).testConnection(), ForgeAuthFailedError);
    expect(error.message).toMatch(/HTTP 401/);
    await failure(adapter({ apiToken: `wrong-${canary}` }).listRepositories({ offset: 0, limit: 10 }), ForgeAuthFailedError);
  });

  it('expired or revoked API token → ForgeAuthFailedError', async () => {
    fake.apiTokensExpired = true;
    await failure(adapter().testConnection(), ForgeAuthFailedError);
    await failure(adapter().listBranches('acme/big', { offset: 0, limit: 10 }), ForgeAuthFailedError);
  });

  it('app password after its removal → ForgeAuthFailedError that says so', async () => {
    fake.appPasswordsRemoved = true;
    const error = await failure(
      adapter({ apiToken: null, bitbucketEmail: null, bitbucketUsername: credentials.username, appPassword: credentials.appPassword }).testConnection(),
      ForgeAuthFailedError,
    );
    expect(error.message).toMatch(/app passwords were removed.*2026-07-28/);
  });

  it('unknown repository → ForgeNotFoundError naming it', async () => {
    const error = await failure(adapter().listBranches('acme/nope', { offset: 0, limit: 10 }), ForgeNotFoundError);
    expect(error.message).toContain('acme/nope');
    await failure(adapter().listBranches('not-a-full-name', { offset: 0, limit: 10 }), ForgeNotFoundError);
  });

  it('unknown workspace → ForgeNotFoundError naming it', async () => {
    const error = await failure(adapter({ bitbucketWorkspaceName: 'ghost' }).testConnection(), ForgeNotFoundError);
    expect(error.message).toContain('"ghost"');
    await failure(adapter({ bitbucketWorkspaceName: 'ghost' }).listRepositories({ offset: 200, limit: 10 }), ForgeNotFoundError);
  });

  it('rate limited with Retry-After → retried within the budget, then ForgeRateLimitedError with resetAt', async () => {
    fake.rateLimited = { retryAfterSeconds: 60 };
    const before = Date.now();
    const error = await failure(adapter().listRepositories({ offset: 0, limit: 100 }), ForgeRateLimitedError);
    expect(error.resetAt).not.toBeNull();
    expect(error.resetAt!.getTime()).toBeGreaterThanOrEqual(before + 59_000);
    // First attempt + maxRetries (2) of testForgeHttp.
    expect(fake.server.requestCount(isListing)).toBe(3);
  });

  it('rate limited without Retry-After → ForgeRateLimitedError without resetAt', async () => {
    fake.rateLimited = { retryAfterSeconds: null };
    const error = await failure(adapter().testConnection(), ForgeRateLimitedError);
    expect(error.resetAt).toBeNull();
  });

  it('5xx is retried, then succeeds', async () => {
    fake.server.failNext(2, { status: 503, body: errorBody('Service unavailable') });
    const page = await adapter().listRepositories({ offset: 0, limit: 100 });
    expect(page.items).toHaveLength(100);
    expect(fake.server.requestCount(isListing)).toBe(3);
  });

  it('retry budget exhausted → ForgeUnreachableError', async () => {
    fake.server.failNext(3, { status: 503, body: errorBody('Service unavailable') });
    const error = await failure(adapter().listRepositories({ offset: 0, limit: 100 }), ForgeUnreachableError);
    expect(error.timedOut).toBe(false);
    expect(fake.server.requestCount(isListing)).toBe(3);
  });

  it('a hung request → ForgeUnreachableError with timedOut', async () => {
    const impatient = testForgeHttp({ attemptTimeoutMs: 200 });
    try {
      fake.server.hangNext(1, 1_500);
      const error = await failure(adapter({}, impatient).listRepositories({ offset: 0, limit: 100 }), ForgeUnreachableError);
      expect(error.timedOut).toBe(true);
    } finally {
      await impatient.close();
    }
  });

  it('connection refused (a stopped forge) → ForgeUnreachableError', async () => {
    const gone = await new FakeBitbucket(credentials).start();
    const apiUrl = gone.apiUrl;
    await gone.stop();
    const error = await failure(adapter({ apiUrl }).testConnection(), ForgeUnreachableError);
    expect(error.timedOut).toBe(false);
  });

  it('missing settings → ForgeMisconfiguredError with the field, and no request', async () => {
    const none = await failure(adapter({ apiToken: null, appPassword: null }).testConnection(), ForgeMisconfiguredError);
    expect(none.field).toBe('apiToken');
    const noEmail = await failure(adapter({ bitbucketEmail: null }).listRepositories({ offset: 0, limit: 10 }), ForgeMisconfiguredError);
    expect(noEmail.field).toBe('bitbucketEmail');
    const noUsername = await failure(
      adapter({ apiToken: null, appPassword: credentials.appPassword, bitbucketUsername: null }).listBranches('acme/big', { offset: 0, limit: 10 }),
      ForgeMisconfiguredError,
    );
    expect(noUsername.field).toBe('bitbucketUsername');
    expect(fake.server.requests).toHaveLength(0);
  });
});

describe('address policy', () => {
  it('refuses the fake on 127.0.0.1 unless allowed, before any request', async () => {
    const strict = new ForgeHttp({ policy: new AddressPolicy(''), attemptTimeoutMs: 2_000, maxRetries: 2, maxRetryWaitMs: 300 });
    try {
      const error = await failure(adapter({}, strict).testConnection(), ForgeAddressNotAllowedError);
      expect(error.address).toBe('127.0.0.1');
      await failure(adapter({}, strict).listBranches('acme/big', { offset: 0, limit: 10 }), ForgeAddressNotAllowedError);
      expect(fake.server.requests).toHaveLength(0);
    } finally {
      await strict.close();
    }
    // testForgeHttp allows 127.0.0.1 (AddressPolicy('127.0.0.1')).
    await expect(adapter().testConnection()).resolves.toMatchObject({ identity: 'fake-dev' });
  });
});
