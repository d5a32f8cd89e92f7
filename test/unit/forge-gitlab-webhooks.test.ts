import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { ForgeAuthFailedError, ForgeError, ForgeMisconfiguredError, ForgeNotFoundError, ForgeUnreachableError } from '../../src/providers/errors.js';
import { createGitLabAdapter } from '../../src/providers/gitlab/adapter.js';
import type { ForgeHttp } from '../../src/providers/http/forge-http.js';
import { staticTokenSource, type GitLabAdapterSettings } from '../../src/providers/settings.js';
import type { ForgeAdapter, WebhookRegistration } from '../../src/providers/types.js';
import type { TestGitRepository } from '../fakes/git/repository.js';
import { ACCESS, type FakeUser } from '../fakes/gitlab/data.js';
import { FakeGitLab } from '../fakes/gitlab/fake-gitlab.js';
import { expectSecretFreeFailure, gitIn } from '../support/checkouts.js';
import { testForgeHttp } from '../support/forge-http.js';

// Unique values that must never show up in an error.
const TOKEN = `gloas-webhooks-canary-${randomUUID()}`;
const READ_ONLY_TOKEN = `gloas-webhooks-read-${randomUUID()}`;
const HOOK_SECRET = `gitlab-hook-secret-${randomUUID()}`;
const SECRETS = [TOKEN, READ_ONLY_TOKEN, HOOK_SECRET];

const EXTERNAL_URL = 'https://gitlab.example.com';
const REPO = 'acme/web';
const HOOK_URL = 'https://deploy.example.com/api/gitlab/webhook';
/** The lowest "Maximum diff files" an administrator may set, so that one test commit can pass it. */
const DIFF_MAX_FILES = 500;

let fake: FakeGitLab;
let http: ForgeHttp;
let web: TestGitRepository;
let users: Record<'developer' | 'maintainer' | 'reporter' | 'guest' | 'stranger' | 'partner', FakeUser>;

function adapter({ accessToken = TOKEN, ...overrides }: Partial<GitLabAdapterSettings> & { accessToken?: string } = {}): ForgeAdapter {
  return createGitLabAdapter(
    { type: 'GITLAB', gitlabUrl: EXTERNAL_URL, gitlabInternalUrl: fake.url, tokens: staticTokenSource(accessToken), groupName: null, ...overrides },
    http,
  );
}

const failure = <E extends ForgeError>(promise: Promise<unknown>, type: abstract new (...args: never[]) => E) => expectSecretFreeFailure(promise, type, SECRETS);
const sorted = (paths: string[]) => [...paths].sort();
const requestsTo = (suffix: string) => fake.requests.filter((r) => r.url.pathname === `/api/v4/projects/acme%2Fweb${suffix}`);
const registration = (overrides: Partial<WebhookRegistration> = {}): WebhookRegistration => ({ url: HOOK_URL, secret: HOOK_SECRET, push: true, tags: true, pullRequests: true, ...overrides });
const manyFiles = (count: number, tag: string) =>
  Object.fromEntries(Array.from({ length: count }, (_, i) => [`services/s${i % 9}/part-${String(i).padStart(3, '0')}.txt`, `${tag} ${i}\n`]));

beforeAll(async () => {
  fake = await new FakeGitLab({ externalUrl: EXTERNAL_URL, diffLimits: { maxFiles: DIFF_MAX_FILES, maxLines: 50_000 } }).seed({ repositories: 3 }).start();
  fake.issueToken({ value: TOKEN, scopes: ['api'] });
  fake.issueToken({ value: READ_ONLY_TOKEN, scopes: ['read_api'] });
  http = testForgeHttp();
  web = fake.addGitRepository(REPO);
  web.commit('main', { files: { 'README.md': '# web\n', 'src/app.js': 'console.log(1);\n', 'docs/guide.md': 'guide\n' }, message: 'Initial commit' });

  const add = (username: string) => fake.world.addUser({ username, name: username, email: `${username}@example.com` });
  users = {
    developer: add('dev-dana'),
    maintainer: add('maint-mo'),
    reporter: add('rep-ray'),
    guest: add('guest-gil'),
    stranger: add('stranger-sam'),
    partner: add('partner-pat'),
  };
  const project = fake.world.projectByRef(REPO)!;
  fake.world.setMember(project, users.developer, ACCESS.developer);
  fake.world.setMember(project, users.maintainer, ACCESS.maintainer);
  fake.world.setMember(project, users.reporter, ACCESS.reporter);
  fake.world.setMember(project, users.guest, ACCESS.guest);
});

afterEach(() => {
  fake.reset();
});

afterAll(async () => {
  await fake.stop();
  await http.close();
});

describe('GitLab changedFiles', () => {
  test('a small push: the files it changed, added and removed, from one straight compare', async () => {
    const before = web.resolve('main')!;
    const after = web.commit('main', { files: { 'src/app.js': 'console.log(2);\n', 'src/new.js': 'export {};\n', 'docs/guide.md': null }, message: 'Change' });
    const files = await adapter().changedFiles(REPO, before, after);
    expect(sorted(files)).toEqual(['docs/guide.md', 'src/app.js', 'src/new.js']);
    expect(sorted(files)).toEqual(sorted(web.changedFiles(before, after)));
    const [compare, ...others] = fake.requests;
    expect(others).toHaveLength(0);
    expect(compare!.url.pathname).toBe('/api/v4/projects/acme%2Fweb/repository/compare');
    expect(Object.fromEntries(compare!.url.searchParams)).toEqual({ from: before, to: after, straight: 'true' });
    expect(compare!.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  test('a push many commits long: every file of every commit since `before`', async () => {
    const before = web.resolve('main')!;
    for (let i = 0; i < 30; i++) web.commit('main', { files: { [`notes/n-${i}.md`]: `note ${i}\n` }, message: `Note ${i}` });
    const files = await adapter().changedFiles(REPO, before, 'main');
    expect(sorted(files)).toEqual(Array.from({ length: 30 }, (_, i) => `notes/n-${i}.md`).sort());
  });

  test('a rename counts with its old and its new path', async () => {
    const before = web.commit('main', { files: { 'config/settings.yml': 'port: 8080\nhost: example\nmode: production\n' }, message: 'Settings' });
    const after = web.commit('main', { files: { 'config/settings.yml': null, 'config/app-settings.yml': 'port: 8080\nhost: example\nmode: production\n' }, message: 'Rename' });
    expect(sorted(await adapter().changedFiles(REPO, before, after))).toEqual(['config/app-settings.yml', 'config/settings.yml']);
    const answer = (await (await gitlab(`/projects/acme%2Fweb/repository/compare?from=${before}&to=${after}`)).json()) as { diffs: object[] };
    expect(answer.diffs).toEqual([expect.objectContaining({ old_path: 'config/settings.yml', new_path: 'config/app-settings.yml', renamed_file: true })]);
  });

  test('past the instance’s diff limits (compare_timeout): every file, from the two commits’ trees, page by page', async () => {
    const before = web.resolve('main')!;
    const after = web.commit('main', { files: { ...manyFiles(DIFF_MAX_FILES + 20, 'big'), 'README.md': '# web, bigger\n' }, message: 'Generate many files' });
    const files = await adapter().changedFiles(REPO, before, after);
    expect(files).toHaveLength(DIFF_MAX_FILES + 21);
    expect(sorted(files)).toEqual(sorted(web.changedFiles(before, after)));
    // GitLab stopped at its limit and said so.
    const answer = (await (await gitlab(`/projects/acme%2Fweb/repository/compare?from=${before}&to=${after}&straight=true`)).json()) as { diffs: unknown[]; compare_timeout: boolean };
    expect(answer).toMatchObject({ compare_timeout: true });
    expect(answer.diffs).toHaveLength(DIFF_MAX_FILES);
    const trees = requestsTo('/repository/tree');
    expect(new Set(trees.map((r) => r.url.searchParams.get('ref')))).toEqual(new Set([before, after]));
    expect(trees.every((r) => r.url.searchParams.get('pagination') === 'keyset' && r.url.searchParams.get('recursive') === 'true')).toBe(true);
    // Every keyset page of the larger tree was read (100 entries a page, subtrees included).
    const entries = gitIn(web.path, ['ls-tree', '-r', '-t', '--name-only', after]).split('\n').length;
    expect(trees.filter((r) => r.url.searchParams.get('ref') === after)).toHaveLength(Math.ceil(entries / 100));
  });

  test('a force push (`before` is not an ancestor of `after`): the paths that differ between the two commits', async () => {
    const base = web.resolve('main')!;
    const old = web.commit('rewrite', { files: { 'src/app.js': 'console.log("old");\n', 'old-only.txt': 'gone after the force push\n' }, message: 'Old' }, base);
    const rewritten = web.commit('rewrite-2', { files: { 'src/other.js': 'export const x = 1;\n' }, message: 'New' }, base);
    expect(sorted(await adapter().changedFiles(REPO, old, rewritten))).toEqual(['old-only.txt', 'src/app.js', 'src/other.js']);
    expect(sorted(await adapter().changedFiles(REPO, rewritten, base))).toEqual(['src/other.js']);
  });

  test('an unknown sha or project: ForgeNotFoundError; the same commit twice changes nothing', async () => {
    const head = web.resolve('main')!;
    expect(await adapter().changedFiles(REPO, head, head)).toEqual([]);
    const unknown = await failure(adapter().changedFiles(REPO, 'f'.repeat(40), head), ForgeNotFoundError);
    expect(unknown.message).toMatch(/no branch, tag or commit/);
    const project = await failure(adapter().changedFiles('acme/no-such-project', head, head), ForgeNotFoundError);
    expect(project.message).toMatch(/does not exist/);
  });

  test('a Guest of a private project may not read its code: ForgeAuthFailedError (GitLab answers 403)', async () => {
    const guestToken = fake.issueToken({ user: users.guest, scopes: ['api'] });
    const head = web.resolve('main')!;
    const error = await failure(adapter({ accessToken: guestToken }).changedFiles(REPO, `${head}~1`, head), ForgeAuthFailedError);
    expect(error.message).toMatch(/Reporter/);
  });
});

describe('GitLab isTrustedAuthor', () => {
  const trusted = (user: FakeUser | null, repository = REPO) => adapter().isTrustedAuthor(repository, { login: user?.username ?? null, id: user ? String(user.id) : null });

  test('Developers and above are trusted; Reporters and Guests are not', async () => {
    expect(await trusted(users.developer)).toBe(true);
    expect(await trusted(users.maintainer)).toBe(true);
    expect(await trusted(users.reporter)).toBe(false);
    expect(await trusted(users.guest)).toBe(false);
    expect(fake.requests[0]!.url.pathname).toBe(`/api/v4/projects/acme%2Fweb/members/all/${users.developer.id}`);
  });

  test('membership through the project’s group and through a group it is shared with counts, at the role it gives', async () => {
    // The main user is a member of acme (a Maintainer there).
    expect(await trusted(fake.world.mainUser)).toBe(true);
    const partners = fake.world.ensureGroup('partners');
    fake.addGitRepository('acme/shared-app');
    const project = fake.world.projectByRef('acme/shared-app')!;
    project.sharedWithGroupIds.push(partners.id);
    fake.world.setMember(partners, users.partner, ACCESS.owner);
    // Shared as Developer: an Owner of the partner group is a Developer here.
    expect(await trusted(users.partner, 'acme/shared-app')).toBe(true);
    const member = (await (await gitlab(`/projects/acme%2Fshared-app/members/all/${users.partner.id}`)).json()) as { access_level: number };
    expect(member.access_level).toBe(ACCESS.developer);
  });

  test('the owner of a personal project is trusted', async () => {
    fake.addGitRepository('john_smith/dotfiles');
    expect(await trusted(fake.world.mainUser, 'john_smith/dotfiles')).toBe(true);
    expect(await trusted(users.developer, 'john_smith/dotfiles')).toBe(false);
  });

  test('strangers are not trusted, nor authors without a numeric user id (no GitLab call for those)', async () => {
    expect(await trusted(users.stranger)).toBe(false);
    expect(await trusted({ id: 987_654, username: 'ghost', name: 'Ghost', email: 'ghost@example.com' })).toBe(false);
    const calls = fake.requests.length;
    expect(await trusted(null)).toBe(false);
    expect(await adapter().isTrustedAuthor(REPO, { login: 'dev-dana', id: null })).toBe(false);
    expect(await adapter().isTrustedAuthor(REPO, { login: 'dev-dana', id: 'dev-dana' })).toBe(false);
    expect(fake.requests.length).toBe(calls);
  });

  test('an unknown project: ForgeNotFoundError, not "untrusted"', async () => {
    await failure(trusted(users.developer, 'acme/no-such-project'), ForgeNotFoundError);
  });

  test('GitLab failing is a typed error', async () => {
    fake.failNext(10, { status: 502, headers: { 'content-type': 'text/plain' }, body: 'Bad Gateway' });
    await failure(trusted(users.developer), ForgeUnreachableError);
  });
});

describe('GitLab createWebhook and deleteWebhook', () => {
  test('a project hook with the URL, the secret as its token, the chosen events and SSL verification', async () => {
    const id = await adapter().createWebhook(REPO, registration());
    const hook = fake.hooks.all.find((h) => String(h.id) === id)!;
    expect(hook).toMatchObject({
      projectId: fake.world.projectByRef(REPO)!.id,
      url: HOOK_URL,
      token: HOOK_SECRET,
      pushEvents: true,
      tagPushEvents: true,
      mergeRequestsEvents: true,
      enableSslVerification: true,
      otherEvents: {},
    });
    const [post] = fake.requests;
    expect(post!.method).toBe('POST');
    expect(post!.url.pathname).toBe('/api/v4/projects/acme%2Fweb/hooks');

    const pushOnly = await adapter().createWebhook(REPO, registration({ tags: false, pullRequests: false }));
    expect(fake.hooks.all.find((h) => String(h.id) === pushOnly)).toMatchObject({ pushEvents: true, tagPushEvents: false, mergeRequestsEvents: false });
    const requestsOnly = await adapter().createWebhook(REPO, registration({ push: false, tags: false }));
    expect(fake.hooks.all.find((h) => String(h.id) === requestsOnly)).toMatchObject({ pushEvents: false, tagPushEvents: false, mergeRequestsEvents: true });
  });

  test('without the Maintainer role: ForgeAuthFailedError that says what it takes, and no hook', async () => {
    const hooks = fake.hooks.all.length;
    const developerToken = fake.issueToken({ user: users.developer, scopes: ['api'] });
    const error = await failure(adapter({ accessToken: developerToken }).createWebhook(REPO, registration()), ForgeAuthFailedError);
    expect(error.message).toMatch(/Maintainer/);
    expect(fake.hooks.all).toHaveLength(hooks);
  });

  test('a token without the api scope: ForgeAuthFailedError naming the scope, and no hook', async () => {
    const hooks = fake.hooks.all.length;
    const error = await failure(adapter({ accessToken: READ_ONLY_TOKEN }).createWebhook(REPO, registration()), ForgeAuthFailedError);
    expect(error.message).toMatch(/\(api\)/);
    expect(fake.hooks.all).toHaveLength(hooks);
  });

  test('a URL GitLab refuses (its local network, not http): ForgeMisconfiguredError, and no hook', async () => {
    const hooks = fake.hooks.all.length;
    const local = await failure(adapter().createWebhook(REPO, registration({ url: 'http://127.0.0.1:3000/api/gitlab/webhook' })), ForgeMisconfiguredError);
    expect(local.message).toMatch(/Invalid url given/);
    await failure(adapter().createWebhook(REPO, registration({ url: 'ftp://deploy.example.com/hook' })), ForgeMisconfiguredError);
    expect(fake.hooks.all).toHaveLength(hooks);
  });

  test('an unknown project: ForgeNotFoundError', async () => {
    await failure(adapter().createWebhook('acme/no-such-project', registration()), ForgeNotFoundError);
    await failure(adapter().deleteWebhook('acme/no-such-project', '3001'), ForgeNotFoundError);
  });

  test('deleteWebhook removes the hook, and a hook already gone is fine', async () => {
    const id = await adapter().createWebhook(REPO, registration());
    await adapter().deleteWebhook(REPO, id);
    expect(fake.hooks.all.some((h) => String(h.id) === id)).toBe(false);
    expect(fake.requests.filter((r) => r.method === 'DELETE').map((r) => r.url.pathname)).toEqual([`/api/v4/projects/acme%2Fweb/hooks/${id}`]);
    await adapter().deleteWebhook(REPO, id);
    await failure(adapter().deleteWebhook(REPO, 'not-a-hook'), ForgeNotFoundError);
  });

  test('deleting without the Maintainer role: ForgeAuthFailedError, and the hook stays', async () => {
    const id = await adapter().createWebhook(REPO, registration());
    const developerToken = fake.issueToken({ user: users.developer, scopes: ['api'] });
    await failure(adapter({ accessToken: developerToken }).deleteWebhook(REPO, id), ForgeAuthFailedError);
    expect(fake.hooks.all.some((h) => String(h.id) === id)).toBe(true);
  });
});

describe('the fake follows GitLab', () => {
  test('compare: from and to are required; straight=false compares from the merge base; an unknown ref is 404 Ref Not Found', async () => {
    const missing = await gitlab('/projects/acme%2Fweb/repository/compare?to=main');
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({ error: 'from is missing' });
    const unknown = await gitlab('/projects/acme%2Fweb/repository/compare?from=main&to=no-such-ref');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ message: '404 Ref Not Found' });
    const paths = async (query: string) =>
      ((await (await gitlab(`/projects/acme%2Fweb/repository/compare?from=rewrite&to=rewrite-2${query}`)).json()) as { diffs: { new_path: string }[] }).diffs.map((d) => d.new_path).sort();
    expect(await paths('')).toEqual(['src/other.js']);
    expect(await paths('&straight=true')).toEqual(['old-only.txt', 'src/app.js', 'src/other.js']);
  });

  test('hooks: url is required, the token is never shown, Guests and anonymous callers are refused', async () => {
    const noUrl = await gitlab('/projects/acme%2Fweb/hooks', { method: 'POST', body: JSON.stringify({ token: 'x' }) });
    expect(noUrl.status).toBe(400);
    expect(await noUrl.json()).toEqual({ error: 'url is missing' });
    const listed = (await (await gitlab('/projects/acme%2Fweb/hooks')).json()) as Record<string, unknown>[];
    expect(listed.length).toBeGreaterThan(0);
    expect(JSON.stringify(listed)).not.toContain(HOOK_SECRET);
    expect(listed.every((h) => !('token' in h))).toBe(true);
    const guestToken = fake.issueToken({ user: users.guest, scopes: ['api'] });
    expect((await gitlab('/projects/acme%2Fweb/hooks', {}, guestToken)).status).toBe(403);
    expect((await fetch(`${fake.url}/api/v4/projects/acme%2Fweb/hooks`)).status).toBe(401);
  });

  test('tree: pagination=none only with recursive; keyset pages link to the next one', async () => {
    const none = await gitlab('/projects/acme%2Fweb/repository/tree?pagination=none');
    expect(none.status).toBe(400);
    const first = await gitlab('/projects/acme%2Fweb/repository/tree?pagination=keyset&per_page=2&ref=main');
    const entries = (await first.json()) as { path: string; type: string }[];
    expect(entries).toHaveLength(2);
    const next = /<([^>]+)>; rel="next"/.exec(first.headers.get('link') ?? '')![1]!;
    expect(next.startsWith(EXTERNAL_URL)).toBe(true);
    const second = (await (await gitlab(`/projects/acme%2Fweb/repository/tree${new URL(next).search}`)).json()) as { path: string }[];
    expect(second[0]!.path).not.toBe(entries[1]!.path);
  });
});

/** The fake's API as the main user (with the api scope). */
function gitlab(route: string, init: RequestInit = {}, token = TOKEN): Promise<Response> {
  return fetch(`${fake.url}/api/v4${route}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers } });
}


