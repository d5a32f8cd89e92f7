import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { ForgeAuthFailedError, ForgeMisconfiguredError, ForgeNotFoundError, ForgeRateLimitedError, ForgeUnreachableError } from '../../src/providers/errors.js';
import { createGitHubAdapter } from '../../src/providers/github/adapter.js';
import type { ForgeHttp } from '../../src/providers/http/forge-http.js';
import type { GitHubAdapterSettings } from '../../src/providers/settings.js';
import { FakeGitHub } from '../fakes/github/fake-github.js';
import type { TestGitRepository } from '../fakes/git/repository.js';
import { expectSecretFreeFailure, gitIn } from '../support/checkouts.js';
import { testForgeHttp } from '../support/forge-http.js';

const appKeys = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });

const APP_ID = 724_612;
const CLIENT_ID = 'Iv23liWebhooksClient01';
const INSTALLATION_ID = 27_182_818;
/** What a deploy platform's App asks for: read the code (compare, trees), write commit statuses; metadata is always there. */
const PERMISSIONS = { metadata: 'read', contents: 'read', statuses: 'write' };
const HOOK_SECRET = `gh-hook-canary-${randomUUID()}`;

let fake: FakeGitHub;
let http: ForgeHttp;
let web: TestGitRepository;
const stopLater: FakeGitHub[] = [];

const newFake = async (permissions: Record<string, string> = PERMISSIONS) =>
  new FakeGitHub({ appId: APP_ID, clientId: CLIENT_ID, publicKey: appKeys.publicKey, installationId: INSTALLATION_ID, appPermissions: permissions }).start();
const settings = (on: FakeGitHub): GitHubAdapterSettings => ({
  type: 'GITHUB',
  githubUrl: on.url,
  githubAppId: APP_ID,
  githubClientId: CLIENT_ID,
  githubPrivateKey: appKeys.privateKey,
  githubInstallationId: String(INSTALLATION_ID),
});
const adapter = (on: FakeGitHub = fake) => createGitHubAdapter(settings(on), http);

/** The typed error a call fails with; neither the App's key, nor a token `on` issued, nor the hook secret anywhere in it. */
const failure = <E extends Error>(promise: Promise<unknown>, type: abstract new (...args: never[]) => E, on: FakeGitHub = fake) =>
  expectSecretFreeFailure(promise, type, () => [appKeys.privateKey, HOOK_SECRET, ...on.issuedTokens]);

const sorted = (paths: string[]) => [...paths].sort();
const compareRequests = () => fake.requestsTo(/^\/repos\/acme\/web\/compare\//);
const treeRequests = () => fake.requestsTo(/^\/repos\/acme\/web\/git\/trees\//);
/** `count` files under a few directories, each with its own content. */
const manyFiles = (count: number, tag: string) =>
  Object.fromEntries(Array.from({ length: count }, (_, i) => [`services/s${i % 7}/part-${String(i).padStart(3, '0')}.txt`, `${tag} ${i}\n`]));

beforeAll(async () => {
  fake = await newFake();
  http = testForgeHttp();
  web = fake.addGitRepository('web');
  web.commit('main', { files: { 'README.md': '# web\n', 'src/app.js': 'console.log(1);\n', 'docs/guide.md': 'guide\n' }, message: 'Initial commit' });
});

afterAll(async () => {
  await http.close();
  for (const other of stopLater) await other.stop();
  await fake.stop();
});

beforeEach(() => {
  fake.server.reset();
  fake.treeEntryLimit = 100_000;
});

describe('changedFiles', () => {
  test('a small push: the files it changed, added and removed, from the compare list alone', async () => {
    const before = web.resolve('main')!;
    const after = web.commit('main', { files: { 'src/app.js': 'console.log(2);\n', 'src/new.js': 'export {};\n', 'docs/guide.md': null }, message: 'Change' });
    const files = await adapter().changedFiles('acme/web', before, after);
    expect(sorted(files)).toEqual(['docs/guide.md', 'src/app.js', 'src/new.js']);
    expect(sorted(files)).toEqual(sorted(web.changedFiles(before, after)));
    expect(compareRequests()).toHaveLength(1);
    expect(compareRequests()[0]!.url.pathname).toBe(`/api/v3/repos/acme/web/compare/${before}...${after}`);
    expect(treeRequests()).toHaveLength(0);
  });

  test('a push many commits long: every file of every commit since `before`', async () => {
    const before = web.resolve('main')!;
    for (let i = 0; i < 45; i++) web.commit('main', { files: { [`notes/n-${i}.md`]: `note ${i}\n` }, message: `Note ${i}` });
    const after = web.resolve('main')!;
    const files = await adapter().changedFiles('acme/web', before, after);
    expect(sorted(files)).toEqual(Array.from({ length: 45 }, (_, i) => `notes/n-${i}.md`).sort());
  });

  test('a rename counts with its old and its new path', async () => {
    const before = web.commit('main', { files: { 'config/settings.yml': 'port: 8080\nhost: example\nmode: production\n' }, message: 'Settings' });
    const after = web.commit('main', { files: { 'config/settings.yml': null, 'config/app-settings.yml': 'port: 8080\nhost: example\nmode: production\n' }, message: 'Rename' });
    const token = await mintToken();
    const compare = await fetch(`${fake.apiUrl}/repos/acme/web/compare/${before}...${after}`, { headers: { authorization: `token ${token}`, 'user-agent': 'test' } });
    const body = (await compare.json()) as { files: { filename: string; status: string; previous_filename?: string }[] };
    expect(body.files).toEqual([expect.objectContaining({ filename: 'config/app-settings.yml', status: 'renamed', previous_filename: 'config/settings.yml' })]);
    expect(sorted(await adapter().changedFiles('acme/web', before, after))).toEqual(['config/app-settings.yml', 'config/settings.yml']);
  });

  test('more than the 300 files compare lists: every one, from the two commits’ trees', async () => {
    const before = web.resolve('main')!;
    const after = web.commit('main', { files: { ...manyFiles(350, 'big'), 'README.md': '# web, bigger\n' }, message: 'Generate 350 files' });
    const files = await adapter().changedFiles('acme/web', before, after);
    expect(files).toHaveLength(351);
    expect(sorted(files)).toEqual(sorted(web.changedFiles(before, after)));
    // GitHub listed 300 of them; the trees gave the rest.
    const token = fake.issuedTokens.at(-1)!;
    const listed = (await (await fetch(`${fake.apiUrl}/repos/acme/web/compare/${before}...${after}?per_page=1`, { headers: { authorization: `token ${token}`, 'user-agent': 'test' } })).json()) as { files: unknown[] };
    expect(listed.files).toHaveLength(300);
    expect(treeRequests().map((r) => r.url.searchParams.get('recursive'))).toEqual(['1', '1']);
  });

  test('trees GitHub truncates are compared one level at a time, through the subtrees that differ only', async () => {
    fake.treeEntryLimit = 50;
    const before = web.resolve('main')!;
    const after = web.commit('main', { files: { ...manyFiles(320, 'again'), 'src/app.js': 'console.log(3);\n' }, message: 'Regenerate' });
    const files = await adapter().changedFiles('acme/web', before, after);
    expect(sorted(files)).toEqual(sorted(web.changedFiles(before, after)));
    expect(files).toHaveLength(321);
    const levels = treeRequests().filter((r) => !r.url.searchParams.has('recursive'));
    expect(levels.length).toBeGreaterThan(0);
    // notes/ is the same on both sides: never read.
    const unchanged = gitIn(web.path, ['rev-parse', `${after}:notes`]);
    expect(treeRequests().some((r) => r.url.pathname.endsWith(unchanged))).toBe(false);
  });

  test('a force push (`before` is not an ancestor of `after`): the paths that differ between the two commits', async () => {
    const base = web.resolve('main')!;
    const old = web.commit('rewrite', { files: { 'src/app.js': 'console.log("old");\n', 'old-only.txt': 'gone after the force push\n' }, message: 'Old' }, base);
    const rewritten = web.commit('rewrite-2', { files: { 'src/other.js': 'export const x = 1;\n' }, message: 'New' }, base);
    const files = await adapter().changedFiles('acme/web', old, rewritten);
    expect(sorted(files)).toEqual(['old-only.txt', 'src/app.js', 'src/other.js']);
    expect(sorted(files)).toEqual(sorted(web.changedFiles(old, rewritten)));
    // Going back to an ancestor (GitHub says "behind" and lists no files) is a change too.
    expect(sorted(await adapter().changedFiles('acme/web', rewritten, base))).toEqual(['src/other.js']);
  });

  test('branch and tag names work as well as shas; the same commit twice changes nothing', async () => {
    web.tag('v-web-1', 'main');
    expect(await adapter().changedFiles('acme/web', 'v-web-1', 'main')).toEqual([]);
    const head = web.resolve('main')!;
    expect(await adapter().changedFiles('acme/web', head, head)).toEqual([]);
  });

  test('an unknown sha or repository: ForgeNotFoundError', async () => {
    const head = web.resolve('main')!;
    const unknown = await failure(adapter().changedFiles('acme/web', 'f'.repeat(40), head), ForgeNotFoundError);
    expect(unknown.message).toMatch(/cannot compare/);
    await failure(adapter().changedFiles('acme/web', head, 'no-such-branch'), ForgeNotFoundError);
    await failure(adapter().changedFiles('acme/nope', head, head), ForgeNotFoundError);
  });

  test('an installation without "Contents: read": ForgeAuthFailedError that says so (GitHub answers 403)', async () => {
    const own = await newFake({ metadata: 'read', statuses: 'write' });
    stopLater.push(own);
    const repo = own.addGitRepository('private-app');
    const a = repo.commit('main', { files: { a: '1' }, message: 'a' });
    const b = repo.commit('main', { files: { a: '2' }, message: 'b' });
    const error = await failure(adapter(own).changedFiles('acme/private-app', a, b), ForgeAuthFailedError, own);
    expect(error.message).toMatch(/"Contents" \(read\)/);
  });
});

describe('isTrustedAuthor', () => {
  const trusted = (login: string | null, repository = 'acme/web', on = fake) => adapter(on).isTrustedAuthor(repository, { login, id: null });

  test('collaborators who may push (write, maintain, admin) are trusted; read and triage are not', async () => {
    fake.addCollaborator('acme/web', 'writer', 'write');
    fake.addCollaborator('acme/web', 'maintainer', 'maintain');
    fake.addCollaborator('acme/web', 'administrator', 'admin');
    fake.addCollaborator('acme/web', 'reader', 'read');
    fake.addCollaborator('acme/web', 'triager', 'triage');
    expect(await trusted('writer')).toBe(true);
    expect(await trusted('maintainer')).toBe(true);
    expect(await trusted('administrator')).toBe(true);
    expect(await trusted('reader')).toBe(false);
    expect(await trusted('triager')).toBe(false);
    const [request] = fake.requestsTo('/repos/acme/web/collaborators/writer/permission');
    expect(request!.headers.authorization).toMatch(/^token ghs_/);
  });

  test('organization owners are trusted; members only when the base role lets them push', async () => {
    fake.collaborators.addOrganizationMember('acme', 'org-owner', 'owner');
    fake.collaborators.addOrganizationMember('acme', 'org-member');
    expect(await trusted('org-owner')).toBe(true);
    expect(await trusted('org-member')).toBe(false);
    fake.collaborators.setBaseRole('acme', 'write');
    try {
      expect(await trusted('org-member')).toBe(true);
    } finally {
      fake.collaborators.setBaseRole('acme', 'read');
    }
  });

  test('the owner of a personal repository is trusted', async () => {
    fake.addGitRepository('dotfiles', { owner: { login: 'octo-person', id: 5_150, type: 'User' } });
    expect(await trusted('octo-person', 'octo-person/dotfiles')).toBe(true);
    expect(await trusted('writer', 'octo-person/dotfiles')).toBe(false);
  });

  test('strangers are not trusted: a GitHub user without access, an unknown login, no login at all', async () => {
    fake.collaborators.user('stranger');
    expect(await trusted('stranger')).toBe(false);
    expect(await trusted('nobody-by-that-name')).toBe(false);
    expect(await trusted(null)).toBe(false);
    expect(await trusted('  ')).toBe(false);
    expect(fake.requestsTo(/\/collaborators\/\s*\/permission$/)).toHaveLength(0);
  });

  test('a public repository: anyone may read it, which is no trust', async () => {
    fake.addGitRepository('public-site', { isPrivate: false });
    fake.collaborators.user('passer-by');
    const token = fake.issuedTokens.at(-1) ?? (await mintToken());
    const answer = (await (await fetch(`${fake.apiUrl}/repos/acme/public-site/collaborators/passer-by/permission`, { headers: { authorization: `token ${token}`, 'user-agent': 'test' } })).json()) as { permission: string };
    expect(answer.permission).toBe('read');
    expect(await trusted('passer-by', 'acme/public-site')).toBe(false);
  });

  test('GitHub failures other than "no such user" are typed errors', async () => {
    const github = adapter();
    expect(await github.isTrustedAuthor('acme/web', { login: 'writer', id: null })).toBe(true);
    fake.failNext(3, { status: 502, body: { message: 'Server Error' } });
    await failure(github.isTrustedAuthor('acme/web', { login: 'writer', id: null }), ForgeUnreachableError);
    fake.failNext(1, { status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600) }, body: { message: 'API rate limit exceeded for installation ID 1.' } });
    await failure(github.isTrustedAuthor('acme/web', { login: 'writer', id: null }), ForgeRateLimitedError);
  });
});

describe('createWebhook and deleteWebhook', () => {
  test('a GitHub App has its own webhook: ForgeMisconfiguredError that says so, and GitHub is not asked', async () => {
    const created = await failure(
      adapter().createWebhook('acme/web', { url: 'https://deploy.example/api/github/webhook', secret: HOOK_SECRET, push: true, tags: true, pullRequests: true }),
      ForgeMisconfiguredError,
    );
    expect(created.message).toMatch(/App's own webhook/);
    const deleted = await failure(adapter().deleteWebhook('acme/web', '12345'), ForgeMisconfiguredError);
    expect(deleted.message).toMatch(/App's own webhook/);
    expect(fake.requests).toHaveLength(0);
  });
});

describe('the fake follows GitHub', () => {
  test('check-collaborator: 204 for any access of one’s own, 404 otherwise', async () => {
    fake.addCollaborator('acme/web', 'reader-2', 'read');
    fake.collaborators.user('outsider');
    const token = await mintToken();
    const check = (login: string) => fetch(`${fake.apiUrl}/repos/acme/web/collaborators/${login}`, { headers: { authorization: `token ${token}`, 'user-agent': 'test' } });
    expect((await check('reader-2')).status).toBe(204);
    expect((await check('outsider')).status).toBe(404);
  });

  test('compare pages its commits with Link headers and lists the files on the first page only', async () => {
    const token = await mintToken();
    const first = web.resolve('main~3')!;
    const head = web.resolve('main')!;
    const get = (query: string) => fetch(`${fake.apiUrl}/repos/acme/web/compare/${first}...${head}${query}`, { headers: { authorization: `token ${token}`, 'user-agent': 'test' } });
    const page1 = await get('?per_page=2');
    const body1 = (await page1.json()) as { status: string; ahead_by: number; commits: { sha: string }[]; files: unknown[] };
    expect(body1).toMatchObject({ status: 'ahead', ahead_by: 3 });
    expect(body1.commits.map((c) => c.sha)).toEqual(web.commitsBetween(first, head).reverse().slice(0, 2));
    expect(body1.files.length).toBeGreaterThan(0);
    expect(page1.headers.get('link')).toMatch(/page=2>; rel="next"/);
    const body2 = (await (await get('?per_page=2&page=2')).json()) as { commits: unknown[]; files: unknown[] };
    expect(body2.commits).toHaveLength(1);
    expect(body2.files).toEqual([]);
  });
});


/** An installation token for direct requests to the fake (the adapter mints one on its first call). */
async function mintToken(): Promise<string> {
  await adapter().getRepository('acme/web');
  return fake.issuedTokens.at(-1)!;
}
