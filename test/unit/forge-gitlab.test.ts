import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import {
  ForgeAddressNotAllowedError,
  ForgeAuthFailedError,
  ForgeError,
  ForgeMisconfiguredError,
  ForgeNotFoundError,
  ForgeRateLimitedError,
  ForgeUnreachableError,
} from '../../src/providers/errors.js';
import { createGitLabAdapter } from '../../src/providers/gitlab/adapter.js';
import { AddressPolicy } from '../../src/providers/http/address-policy.js';
import { ForgeHttp } from '../../src/providers/http/forge-http.js';
import { staticTokenSource, type GitLabAdapterSettings } from '../../src/providers/settings.js';
import type { BranchInfo, ForgeAdapter, ListWindow, RepositoryInfo } from '../../src/providers/types.js';
import type { FakeProject } from '../fakes/gitlab/data.js';
import { FakeGitLab, OAUTH_TOKEN_LIFETIME_SECONDS } from '../fakes/gitlab/fake-gitlab.js';
import type { FakeRequest } from '../fakes/fake-server.js';
import { testForgeHttp } from '../support/forge-http.js';

// Unique values that must never show up in an error, a log line or anything thrown.
const SECRET = `gloas-canary-${randomUUID()}`;
const OTHER_SECRET = `gloas-canary-other-${randomUUID()}`;
const SECRETS = [SECRET, OTHER_SECRET];

const EXTERNAL_URL = 'https://gitlab.example.com';
const BIG_REPO = 'acme/platform/monorepo';
const REPOSITORIES = 350;

let fake: FakeGitLab;
let http: ForgeHttp;
const extraHttp: ForgeHttp[] = [];
const caught: unknown[] = [];
const logged: unknown[][] = [];

/** The settings, with `accessToken` (a fixed token) standing for a static token source. */
type SettingsOverrides = Partial<GitLabAdapterSettings> & { accessToken?: string | null };

function settings({ accessToken = SECRET, ...overrides }: SettingsOverrides = {}): GitLabAdapterSettings {
  // gitlabUrl is the public address (never contacted here); server-to-server calls go to the internal URL.
  return { type: 'GITLAB', gitlabUrl: EXTERNAL_URL, gitlabInternalUrl: fake.url, tokens: staticTokenSource(accessToken), groupName: null, ...overrides };
}

function adapter(overrides: SettingsOverrides = {}, forgeHttp: ForgeHttp = http): ForgeAdapter {
  return createGitLabAdapter(settings(overrides), forgeHttp);
}

/** Expects a typed error, checks it for secrets (message, String, JSON, stack, cause) and keeps it for the canary. */
async function expectForgeError<E extends ForgeError>(promise: Promise<unknown>, type: abstract new (...args: never[]) => E): Promise<E> {
  const error = await promise.then(
    () => {
      throw new Error(`expected ${type.name}, but the call succeeded`);
    },
    (e: unknown) => e,
  );
  caught.push(error);
  expect(error).toBeInstanceOf(type);
  expectNoSecret(error);
  return error as E;
}

function expectNoSecret(error: unknown): void {
  const e = error as Error;
  const texts = [JSON.stringify(e), e.message, String(e), e.stack ?? ''];
  for (const text of texts) for (const secret of SECRETS) expect(text).not.toContain(secret);
  // No cause at all: a client error object (request headers, URLs) must not travel along.
  expect((e as { cause?: unknown }).cause).toBeUndefined();
}

/** Windows of `size` until the listing ends (a window shorter than `size`). */
async function readAll<T>(list: (window: ListWindow) => Promise<{ items: T[] }>, size: number, search?: string): Promise<T[]> {
  const all: T[] = [];
  for (let offset = 0; ; offset += size) {
    const { items } = await list({ offset, limit: size, search });
    all.push(...items);
    if (items.length < size) return all;
  }
}

const apiRequests = () => fake.requests.filter((r) => r.url.pathname.startsWith('/api/v4/'));
const isProjectsRequest = (r: FakeRequest) => r.url.pathname === '/api/v4/projects';

function memberProjects(): FakeProject[] {
  const user = fake.world.mainUser;
  return fake.world.projects.filter((p) => fake.world.isProjectMember(user, p)).sort((a, b) => a.id - b.id);
}

function groupProjects(group: string): FakeProject[] {
  const root = fake.world.groupByPath(group)!;
  const ids = new Set(fake.world.subtree(root).map((g) => g.id));
  return fake.world.projects
    .filter((p) => (p.namespace.kind === 'group' && ids.has(p.namespace.groupId)) || p.sharedWithGroupIds.includes(root.id))
    .filter((p) => fake.world.canSeeProject(fake.world.mainUser, p))
    .sort((a, b) => a.id - b.id);
}

beforeAll(async () => {
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    const original = console[method].bind(console);
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      logged.push(args);
      original(...args);
    });
  }
  fake = await new FakeGitLab({ externalUrl: EXTERNAL_URL })
    .seed({ repositories: REPOSITORIES, branchesPerRepo: 3, branchCounts: { [BIG_REPO]: 450 } })
    .start();
  // GitLab's throttle windows are aligned to the period (an hour): start the fake's clock a minute into one,
  // so no window ends while the suite runs.
  const periodMs = 3_600_000;
  fake.advanceClock(periodMs - (Date.now() % periodMs) + 60_000);
  fake.issueToken({ value: SECRET, scopes: ['api'] });
  http = testForgeHttp();
});

afterEach(() => {
  fake.reset();
  fake.resetRateLimit();
});

afterAll(async () => {
  await fake.stop();
  await http.close();
  for (const h of extraHttp) await h.close();
  vi.restoreAllMocks();
});

describe('GitLab testConnection', () => {
  test('reports the user, the token scopes, the member project count and the rate limit', async () => {
    const report = await adapter().testConnection();

    expect(report.identity).toBe('john_smith');
    expect(report.account).toBeNull();
    expect(report.permissions).toEqual(['api']);
    expect(report.repositoryCount).toBe(REPOSITORIES);
    expect(report.hasRepositories).toBe(true);
    expect(report.rateLimit).not.toBeNull();
    expect(report.rateLimit!.limit).toBe(7200);
    expect(report.rateLimit!.remaining).toBeGreaterThan(7000);
    expect(report.rateLimit!.resetAt).toEqual(fake.rateLimitResetAt());
    expect(report.warnings).toEqual([]);

    // Identity, scopes, then a one-item member listing for the count; all on the internal URL with the bearer token.
    const paths = fake.requests.map((r) => r.url.pathname).sort();
    expect(paths).toEqual(['/api/v4/projects', '/api/v4/user', '/oauth/token/info']);
    const count = fake.requests.find(isProjectsRequest)!;
    expect(Object.fromEntries(count.url.searchParams)).toMatchObject({ membership: 'true', per_page: '1', page: '1' });
    for (const request of fake.requests) expect(request.headers.authorization).toBe(`Bearer ${SECRET}`);
  });

  test('with groupName: the group must exist; its projects (subgroups and shares included) are counted', async () => {
    const report = await adapter({ groupName: 'acme' }).testConnection();
    expect(report.account).toBe('acme');
    expect(report.repositoryCount).toBe(groupProjects('acme').length);
    expect(report.repositoryCount).toBeGreaterThan(100);
    const request = fake.requests.find((r) => r.url.pathname === '/api/v4/groups/acme/projects')!;
    expect(request.url.searchParams.get('include_subgroups')).toBe('true');
    expect(request.url.searchParams.get('per_page')).toBe('1');
  });

  test('a group inside another listed group is checked, not counted twice, and named in a warning', async () => {
    const report = await adapter({ groupName: 'acme, acme/platform' }).testConnection();
    expect(report.repositoryCount).toBe(groupProjects('acme').length);
    expect(report.warnings).toEqual([expect.stringContaining('"acme/platform" is inside "acme"')]);
    // The subgroup's full path is URL-encoded as one path segment.
    expect(fake.requests.some((r) => r.url.pathname === '/api/v4/groups/acme%2Fplatform/projects')).toBe(true);
  });

  test('several groups: whether any project is reachable, no count (shared projects would be counted twice)', async () => {
    const report = await adapter({ groupName: 'acme,partners' }).testConnection();
    expect(report.account).toBe('acme, partners');
    expect(report.repositoryCount).toBeNull();
    expect(report.hasRepositories).toBe(true);
  });

  test('a group that does not exist is a misconfiguration naming groupName', async () => {
    const error = await expectForgeError(adapter({ groupName: 'acme,no-such-group' }).testConnection(), ForgeMisconfiguredError);
    expect(error.field).toBe('groupName');
    expect(error.message).toContain('no-such-group');
  });

  test('a group the user cannot see is the same misconfiguration (GitLab answers 404)', async () => {
    const error = await expectForgeError(adapter({ groupName: 'outsiders' }).testConnection(), ForgeMisconfiguredError);
    expect(error.field).toBe('groupName');
  });

  test('a token about to expire is reported as a warning', async () => {
    const token = fake.issueToken({ value: OTHER_SECRET, lifetimeSeconds: 600 });
    const report = await adapter({ accessToken: token }).testConnection();
    expect(report.warnings).toEqual([expect.stringContaining('expires in 10 minutes')]);
    fake.tokens.delete(token);
  });

  test('a personal access token (unknown to /oauth/token/info) still connects, without scopes', async () => {
    const token = fake.issueToken({ value: OTHER_SECRET, kind: 'personal' });
    const report = await adapter({ accessToken: token }).testConnection();
    expect(report.identity).toBe('john_smith');
    expect(report.permissions).toBeNull();
    fake.tokens.delete(token);
  });
});

describe('GitLab listRepositories', () => {
  test('windows over 350 member projects (4 forge pages of 100), in id order, each costing only the pages it covers', async () => {
    const expected = memberProjects().map((p) => String(p.id));
    expect(expected).toHaveLength(REPOSITORIES);
    const gitlab = adapter();

    const cases = [
      { offset: 0, limit: 100, pages: ['1'] },
      { offset: 100, limit: 100, pages: ['2'] },
      { offset: 150, limit: 100, pages: ['2', '3'] },
      { offset: 250, limit: 100, pages: ['3', '4'] },
      { offset: 340, limit: 100, pages: ['4'] },
      { offset: 350, limit: 100, pages: ['4'] },
    ];
    for (const { offset, limit, pages } of cases) {
      fake.reset();
      const page = await gitlab.listRepositories({ offset, limit });
      expect(page.items.map((r) => r.forgeId)).toEqual(expected.slice(offset, offset + limit));
      expect(page.totalCount).toBe(REPOSITORIES);
      const requests = fake.requests;
      expect(requests.map((r) => r.url.searchParams.get('page'))).toEqual(pages);
      for (const request of requests) {
        expect(request.url.pathname).toBe('/api/v4/projects');
        expect(Object.fromEntries(request.url.searchParams)).toMatchObject({ membership: 'true', per_page: '100', order_by: 'id', sort: 'asc' });
        expect(request.url.searchParams.has('search')).toBe(false);
      }
    }
    expect((await gitlab.listRepositories({ offset: 250, limit: 100 })).items).toHaveLength(100);
    expect((await gitlab.listRepositories({ offset: 340, limit: 100 })).items).toHaveLength(10);
  });

  test('successive windows cover every member project once, in a stable order', async () => {
    const gitlab = adapter();
    const first = await readAll((w) => gitlab.listRepositories(w), 100);
    const again = await readAll((w) => gitlab.listRepositories(w), 70);
    const ids = first.map((r) => r.forgeId);
    expect(ids).toEqual(memberProjects().map((p) => String(p.id)));
    expect(new Set(ids).size).toBe(REPOSITORIES);
    expect(again.map((r) => r.forgeId)).toEqual(ids);
    // Projects the user only sees (public, not a member) or cannot see are not listed.
    expect(first.some((r) => r.fullName.startsWith('outsiders/'))).toBe(false);
  });

  test('maps GitLab projects: path with namespace, namespace owner, https clone URL of the instance, visibility', async () => {
    const all = await readAll((w) => adapter().listRepositories(w), 100);
    const big = all.find((r) => r.fullName === BIG_REPO)!;
    const project = fake.world.projectByRef(BIG_REPO)!;
    expect(big).toEqual<RepositoryInfo>({
      forgeId: String(project.id),
      name: 'Monorepo',
      fullName: BIG_REPO,
      owner: 'acme/platform',
      isPrivate: project.visibility !== 'public',
      defaultBranch: 'main',
      cloneUrl: `${EXTERNAL_URL}/${BIG_REPO}.git`,
      webUrl: `${EXTERNAL_URL}/${BIG_REPO}`,
      updatedAt: project.lastActivityAt,
    });
    const publicOne = all.find((r) => fake.world.projectByRef(r.fullName)!.visibility === 'public')!;
    expect(publicOne.isPrivate).toBe(false);
    const personal = all.find((r) => r.owner === 'john_smith');
    expect(personal?.fullName).toMatch(/^john_smith\//);
    // An empty repository has no default branch yet.
    const empty = all.filter((r) => r.defaultBranch === null);
    expect(empty.length).toBeGreaterThan(0);
    expect(empty.every((r) => fake.world.projectByRef(r.fullName)!.defaultBranch === null)).toBe(true);
  });

  test('search is GitLab’s own (the fake sees `search`), windowed like the whole listing', async () => {
    const gitlab = adapter();
    const term = 'service-00';
    const expected = memberProjects().filter((p) => [p.name, p.path, p.description ?? ''].some((t) => t.toLowerCase().includes(term)));
    expect(expected.length).toBeGreaterThan(3);

    const page = await gitlab.listRepositories({ offset: 0, limit: 100, search: term });
    expect(page.items.map((r) => r.forgeId)).toEqual(expected.map((p) => String(p.id)));
    expect(page.totalCount).toBe(expected.length);
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]!.url.searchParams.get('search')).toBe(term);

    // A broad search still spans several forge pages: offset 200 costs exactly page 3 of the search listing.
    fake.reset();
    const broad = await gitlab.listRepositories({ offset: 200, limit: 100, search: 'service' });
    const broadExpected = memberProjects().filter((p) => p.path.includes('service') || (p.description ?? '').toLowerCase().includes('service'));
    expect(broad.items.map((r) => r.forgeId)).toEqual(broadExpected.slice(200, 300).map((p) => String(p.id)));
    expect(fake.requests.map((r) => [r.url.searchParams.get('search'), r.url.searchParams.get('page')])).toEqual([['service', '3']]);
  });

  test('groupName: the group’s projects with subgroups and shared ones, by the group’s URL-encoded path', async () => {
    const expected = groupProjects('acme/platform').map((p) => String(p.id));
    const gitlab = adapter({ groupName: 'acme/platform' });
    const all = await readAll((w) => gitlab.listRepositories(w), 100);
    expect(all.map((r) => r.forgeId)).toEqual(expected);
    expect(all.some((r) => r.fullName.startsWith('acme/platform/infra/'))).toBe(true);
    const paths = new Set(apiRequests().map((r) => r.url.pathname));
    expect(paths).toEqual(new Set(['/api/v4/groups/acme%2Fplatform/projects']));
    for (const request of apiRequests()) {
      expect(Object.fromEntries(request.url.searchParams)).toMatchObject({ include_subgroups: 'true', per_page: '100', order_by: 'id', sort: 'asc' });
    }
  });

  test('several groups are listed in order, a project shared between them only once, windows across the seam', async () => {
    const acme = groupProjects('acme');
    const partners = groupProjects('partners');
    const shared = partners.filter((p) => acme.some((a) => a.id === p.id));
    expect(shared).toHaveLength(1);
    const expected = [...acme, ...partners.filter((p) => !shared.includes(p))].map((p) => String(p.id));

    const gitlab = adapter({ groupName: 'acme,partners' });
    const all = await readAll((w) => gitlab.listRepositories(w), 100);
    expect(all.map((r) => r.forgeId)).toEqual(expected);
    expect(new Set(all.map((r) => r.forgeId)).size).toBe(all.length);

    const seam = acme.length - 5;
    const window = await gitlab.listRepositories({ offset: seam, limit: 10 });
    expect(window.items.map((r) => r.forgeId)).toEqual(expected.slice(seam, seam + 10));

    fake.reset();
    const searched = await gitlab.listRepositories({ offset: 0, limit: 100, search: 'service-01' });
    expect(searched.items.every((r) => r.fullName.includes('service-01'))).toBe(true);
    expect(apiRequests().every((r) => r.url.searchParams.get('search') === 'service-01')).toBe(true);
  });
});

describe('GitLab listBranches', () => {
  test('all 450 branches of a repository over windows of 100, in name order; the forge requests it costs', async () => {
    const gitlab = adapter();
    const project = fake.world.projectByRef(BIG_REPO)!;

    const paged = await readAll((w) => gitlab.listBranches(BIG_REPO, w), 100);
    const pagedRequests = fake.requests.length;
    expect(paged.map((b) => b.name)).toEqual(project.branches.map((b) => b.name));
    expect(new Set(paged.map((b) => b.name)).size).toBe(450);
    for (const request of fake.requests) {
      expect(request.url.pathname).toBe('/api/v4/projects/acme%2Fplatform%2Fmonorepo/repository/branches');
      expect(request.url.searchParams.get('per_page')).toBe('100');
    }

    fake.reset();
    const single = await gitlab.listBranches(BIG_REPO, { offset: 0, limit: 450 });
    const singleRequests = fake.requests.length;
    expect(single.items.map((b) => b.name)).toEqual(paged.map((b) => b.name));
    expect(single.totalCount).toBe(450);

    console.log(`GitLab: a 450-branch listing cost ${pagedRequests} forge requests as windows of 100 and ${singleRequests} as one window of 450`);
    expect(pagedRequests).toBe(5);
    expect(singleRequests).toBe(5);
  });

  test('branch fields: commit sha, protected and default as GitLab sends them', async () => {
    const project = fake.world.projectByRef(BIG_REPO)!;
    const { items } = await adapter().listBranches(BIG_REPO, { offset: 0, limit: 450 });
    const main = items.find((b) => b.name === 'main')!;
    expect(main).toEqual<BranchInfo>({ name: 'main', commitSha: project.branches.find((b) => b.name === 'main')!.sha, isProtected: true, isDefault: true });
    expect(items.filter((b) => b.isDefault)).toHaveLength(1);
    const release = items.filter((b) => b.name.startsWith('release/'));
    expect(release.length).toBeGreaterThan(0);
    expect(release.every((b) => b.isProtected && !b.isDefault)).toBe(true);
    expect(items.filter((b) => b.name.startsWith('feature/')).every((b) => !b.isProtected)).toBe(true);
    expect(items.every((b) => /^[0-9a-f]{40}$/.test(b.commitSha))).toBe(true);

    // A project whose default branch is master.
    const masterProject = memberProjects().find((p) => p.defaultBranch === 'master')!;
    const masterBranches = await adapter().listBranches(fake.world.projectPath(masterProject), { offset: 0, limit: 100 });
    expect(masterBranches.items.filter((b) => b.isDefault).map((b) => b.name)).toEqual(['master']);
  });

  test('the numeric project id works too', async () => {
    const project = fake.world.projectByRef(BIG_REPO)!;
    const page = await adapter().listBranches(String(project.id), { offset: 100, limit: 100 });
    expect(page.items.map((b) => b.name)).toEqual(project.branches.slice(100, 200).map((b) => b.name));
    expect(fake.requests.map((r) => r.url.pathname)).toEqual([`/api/v4/projects/${project.id}/repository/branches`]);
  });

  test('search is GitLab’s own, windowed over its pages', async () => {
    const project = fake.world.projectByRef(BIG_REPO)!;
    const expected = project.branches.filter((b) => b.name.includes('topic')).map((b) => b.name);
    expect(expected.length).toBeGreaterThan(200);
    const gitlab = adapter();
    const all = await readAll((w) => gitlab.listBranches(BIG_REPO, w), 100, 'topic');
    expect(all.map((b) => b.name)).toEqual(expected);
    expect(fake.requests.every((r) => r.url.searchParams.get('search') === 'topic' && r.url.searchParams.get('per_page') === '100')).toBe(true);
    expect(fake.requests).toHaveLength(Math.floor(expected.length / 100) + 1);
  });

  test('an empty repository has no branches', async () => {
    const empty = memberProjects().find((p) => p.defaultBranch === null)!;
    const page = await adapter().listBranches(fake.world.projectPath(empty), { offset: 0, limit: 100 });
    expect(page.items).toEqual([]);
  });
});

describe('GitLab errors', () => {
  test('an unknown access token: ForgeAuthFailedError (401 invalid_token "Bad Access Token.")', async () => {
    const error = await expectForgeError(adapter({ accessToken: OTHER_SECRET }).testConnection(), ForgeAuthFailedError);
    expect(error.message).toMatch(/does not recognise the access token/);
    expect(fake.requests).toHaveLength(1);
  });

  test('an expired OAuth token (2 h on the fake clock): ForgeAuthFailedError saying it expired', async () => {
    const token = fake.issueToken({ value: OTHER_SECRET });
    fake.advanceClock(OAUTH_TOKEN_LIFETIME_SECONDS * 1000 + 1000);
    try {
      const error = await expectForgeError(adapter({ accessToken: token }).listRepositories({ offset: 0, limit: 10 }), ForgeAuthFailedError);
      expect(error.message).toMatch(/expired/);
      await expectForgeError(adapter({ accessToken: token }).testConnection(), ForgeAuthFailedError);
    } finally {
      fake.advanceClock(-(OAUTH_TOKEN_LIFETIME_SECONDS * 1000 + 1000));
      fake.tokens.delete(token);
    }
  });

  test('a revoked token: ForgeAuthFailedError saying it was revoked', async () => {
    const token = fake.issueToken({ value: OTHER_SECRET });
    fake.revokeToken(token);
    const error = await expectForgeError(adapter({ accessToken: token }).listBranches(BIG_REPO, { offset: 0, limit: 10 }), ForgeAuthFailedError);
    expect(error.message).toMatch(/revoked/);
    fake.tokens.delete(token);
  });

  test('a token without read_api/api: ForgeAuthFailedError (403 insufficient_scope)', async () => {
    const token = fake.issueToken({ value: OTHER_SECRET, scopes: ['read_user'] });
    const error = await expectForgeError(adapter({ accessToken: token }).testConnection(), ForgeAuthFailedError);
    expect(error.message).toMatch(/scope/);
    fake.tokens.delete(token);
  });

  test('an unknown repository: ForgeNotFoundError naming it (404 Project Not Found)', async () => {
    const error = await expectForgeError(adapter().listBranches('acme/no-such-project', { offset: 0, limit: 10 }), ForgeNotFoundError);
    expect(error.message).toContain('acme/no-such-project');
    // A project the user cannot see is the same 404, and so is an unknown numeric id.
    await expectForgeError(adapter().listBranches('outsiders/secret-1', { offset: 0, limit: 10 }), ForgeNotFoundError);
    await expectForgeError(adapter().listBranches('999999', { offset: 0, limit: 10 }), ForgeNotFoundError);
    expect(fake.requests).toHaveLength(3);
  });

  test('an unknown group in listRepositories: ForgeMisconfiguredError naming groupName', async () => {
    const error = await expectForgeError(adapter({ groupName: 'ghosts' }).listRepositories({ offset: 0, limit: 10 }), ForgeMisconfiguredError);
    expect(error.field).toBe('groupName');
    expect(error.message).toContain('ghosts');
  });

  test('GitLab’s throttle (429 text/plain "Retry later", Retry-After, RateLimit-*): retried within the budget, then ForgeRateLimitedError with resetAt', async () => {
    fake.exhaustRateLimit();
    const resetAt = fake.rateLimitResetAt();
    const error = await expectForgeError(adapter().listRepositories({ offset: 0, limit: 10 }), ForgeRateLimitedError);
    expect(error.resetAt).not.toBeNull();
    // RateLimit-Reset (epoch s) or now + Retry-After, whichever is later: at most a second past the window's end.
    expect(error.resetAt!.getTime()).toBeGreaterThanOrEqual(resetAt.getTime());
    expect(error.resetAt!.getTime()).toBeLessThanOrEqual(resetAt.getTime() + 2000);
    // One attempt and maxRetries (2) retries, no more: gitbeaker's own ten-fold retry is not in play.
    expect(fake.requests).toHaveLength(3);
    expect(fake.requests.every(isProjectsRequest)).toBe(true);
  });

  test('one 429 with Retry-After, then success: the call succeeds after one retry', async () => {
    fake.failNext(1, { status: 429, headers: { 'content-type': 'text/plain', 'retry-after': '1', 'ratelimit-remaining': '0' }, body: 'Retry later' });
    const page = await adapter().listRepositories({ offset: 0, limit: 10 });
    expect(page.items).toHaveLength(10);
    expect(fake.requests).toHaveLength(2);
  });

  test('503 twice, then success: retried by ForgeHttp, three requests in all', async () => {
    fake.failNext(2, { status: 503, headers: { 'content-type': 'text/html' }, body: '<html>503 Service Unavailable</html>' });
    const page = await adapter().listRepositories({ offset: 0, limit: 100 });
    expect(page.items).toHaveLength(100);
    expect(fake.requests).toHaveLength(3);
  });

  test('502 once (one of gitbeaker’s own retry codes): one retry, not ten', async () => {
    fake.failNext(1, { status: 502 });
    const report = await adapter().testConnection();
    expect(report.identity).toBe('john_smith');
    expect(fake.requests.filter((r) => r.url.pathname === '/api/v4/user')).toHaveLength(2);
  });

  test('5xx past the retry budget: ForgeUnreachableError (not timed out)', async () => {
    fake.failNext(10, { status: 503 });
    const error = await expectForgeError(adapter().listBranches(BIG_REPO, { offset: 0, limit: 10 }), ForgeUnreachableError);
    expect(error.timedOut).toBe(false);
    expect(error.message).toMatch(/503/);
    expect(fake.requests).toHaveLength(3);
  });

  test('a hung request: ForgeUnreachableError with timedOut', async () => {
    const quick = testForgeHttp({ attemptTimeoutMs: 200 });
    extraHttp.push(quick);
    fake.hangNext(1, 3000);
    const error = await expectForgeError(adapter({}, quick).testConnection(), ForgeUnreachableError);
    expect(error.timedOut).toBe(true);
    expect(fake.requests).toHaveLength(1);
  });

  test('connection refused (a stopped GitLab): ForgeUnreachableError', async () => {
    const gone = await new FakeGitLab().start();
    const url = gone.url;
    await gone.stop();
    const error = await expectForgeError(adapter({ gitlabInternalUrl: url }).listRepositories({ offset: 0, limit: 10 }), ForgeUnreachableError);
    expect(error.timedOut).toBe(false);
    expect(error.message).toMatch(/ECONNREFUSED/);
  });

  test('another 4xx with a message echoing the token: typed, and the token scrubbed out of the message', async () => {
    fake.failNext(1, { status: 400, headers: { 'content-type': 'application/json' }, body: { message: `400 (Bad request) "${SECRET}" is odd` } });
    const error = await expectForgeError(adapter().listRepositories({ offset: 0, limit: 10 }), ForgeMisconfiguredError);
    expect(error.message).toContain('400');
    expect(error.message).toContain('[redacted]');
  });

  test('misconfigured settings: ForgeMisconfiguredError with the field, and nothing sent', async () => {
    const none = await expectForgeError(adapter({ accessToken: null }).testConnection(), ForgeMisconfiguredError);
    expect(none.field).toBe('accessToken');
    const blank = await expectForgeError(adapter({ accessToken: '  ' }).listRepositories({ offset: 0, limit: 1 }), ForgeMisconfiguredError);
    expect(blank.field).toBe('accessToken');
    const noUrl = await expectForgeError(adapter({ gitlabUrl: '', gitlabInternalUrl: null }).listBranches('a/b', { offset: 0, limit: 1 }), ForgeMisconfiguredError);
    expect(noUrl.field).toBe('gitlabUrl');
    const badUrl = await expectForgeError(adapter({ gitlabInternalUrl: 'not a url' }).testConnection(), ForgeMisconfiguredError);
    expect(badUrl.field).toBe('gitlabInternalUrl');
    const withCredentials = await expectForgeError(adapter({ gitlabInternalUrl: `http://user:${OTHER_SECRET}@127.0.0.1:1` }).testConnection(), ForgeMisconfiguredError);
    expect(withCredentials.field).toBe('gitlabInternalUrl');
    expect(fake.requests).toHaveLength(0);
  });
});

describe('GitLab and the address policy', () => {
  test('refused by default: ForgeAddressNotAllowedError, and the fake on 127.0.0.1 sees no request', async () => {
    const strict = new ForgeHttp({ policy: new AddressPolicy(''), attemptTimeoutMs: 2_000, maxRetries: 2, maxRetryWaitMs: 300 });
    extraHttp.push(strict);
    const error = await expectForgeError(adapter({}, strict).testConnection(), ForgeAddressNotAllowedError);
    expect(error.address).toBe('127.0.0.1');
    await expectForgeError(adapter({}, strict).listRepositories({ offset: 0, limit: 10 }), ForgeAddressNotAllowedError);
    expect(fake.requests).toHaveLength(0);
  });

  test('allowed when the operator lists 127.0.0.1', async () => {
    const allowed = new ForgeHttp({ policy: new AddressPolicy('127.0.0.1'), attemptTimeoutMs: 2_000, maxRetries: 2, maxRetryWaitMs: 300 });
    extraHttp.push(allowed);
    const report = await adapter({}, allowed).testConnection();
    expect(report.identity).toBe('john_smith');
    expect(fake.requests.length).toBeGreaterThan(0);
  });
});

describe('GitLab secrets canary', () => {
  test('every error path above was checked, and nothing logged carries a secret', () => {
    expect(caught.length).toBeGreaterThanOrEqual(20);
    for (const error of caught) expectNoSecret(error);
    const text = JSON.stringify(logged);
    for (const secret of SECRETS) expect(text).not.toContain(secret);
  });
});
