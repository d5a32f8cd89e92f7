import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';
import { SourceFetchError } from '../../src/deployments/source-fetch.js';
import { ForgeAuthFailedError, ForgeMisconfiguredError, ForgeNotFoundError } from '../../src/providers/errors.js';
import { createGitHubAdapter } from '../../src/providers/github/adapter.js';
import { gitHubWebOrigin } from '../../src/providers/github/api-url.js';
import type { ForgeHttp } from '../../src/providers/http/forge-http.js';
import type { GitHubAdapterSettings } from '../../src/providers/settings.js';
import type { CommitState, RepositoryInfo, SourceAccess } from '../../src/providers/types.js';
import { FakeGitHub } from '../fakes/github/fake-github.js';
import type { TestGitRepository } from '../fakes/git/repository.js';
import { checkoutHead, Checkouts, expectSecretFreeFailure, gitIn, isolatedGitEnv } from '../support/checkouts.js';
import { testForgeHttp } from '../support/forge-http.js';

const appKeys = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });

const APP_ID = 724_611;
const CLIENT_ID = 'Iv23liSourceClient0001';
const INSTALLATION_ID = 31_415_926;
/** What a deploy platform's App asks for: read the code, write commit statuses. */
const PERMISSIONS = { metadata: 'read', contents: 'read', statuses: 'write' };
const HOUR = 60 * 60 * 1000;

let fake: FakeGitHub;
let http: ForgeHttp;
let app: TestGitRepository;
let commits: { first: string; second: string; feature: string };
const checkouts = new Checkouts('github-source-checkout');
const stopLater: FakeGitHub[] = [];

const newFake = async (permissions: Record<string, string> = PERMISSIONS) =>
  new FakeGitHub({ appId: APP_ID, clientId: CLIENT_ID, publicKey: appKeys.publicKey, installationId: INSTALLATION_ID, appPermissions: permissions }).start();

const settings = (on: FakeGitHub = fake): GitHubAdapterSettings => ({
  type: 'GITHUB',
  githubUrl: on.url,
  githubAppId: APP_ID,
  githubClientId: CLIENT_ID,
  githubPrivateKey: appKeys.privateKey,
  githubInstallationId: String(INSTALLATION_ID),
});
const adapter = (on: FakeGitHub = fake) => createGitHubAdapter(settings(on), http);

/** git against the fake: never synchronously, the fake answers on this process's event loop. */
const gitRemote = (args: string[]) =>
  new Promise<string>((resolve, reject) =>
    execFile('git', args, { env: { ...isolatedGitEnv, GIT_TERMINAL_PROMPT: '0' }, timeout: 20_000 }, (error, _stdout, stderr) => (error ? reject(new Error(stderr)) : resolve(stderr))),
  );

/** Every file under a directory, read as text. */
function allText(dir: string): string {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((entry) => path.join(dir, entry))
    .filter((file) => statSync(file).isFile())
    .map((file) => readFileSync(file).toString('latin1'))
    .join('\n');
}

/** The typed error a call fails with; none of the App's secrets, nor any token `on` issued, anywhere in it. */
const failure = <E extends Error>(promise: Promise<unknown>, type: abstract new (...args: never[]) => E, on: FakeGitHub = fake) =>
  expectSecretFreeFailure(promise, type, () => [appKeys.privateKey, ...on.issuedTokens]);

const gitRequests = (on: FakeGitHub = fake) => on.requests.filter((r) => !r.url.pathname.startsWith('/api/v3/'));
const basicUser = (header: string | undefined) => (header ? Buffer.from(header.replace(/^basic\s+/i, ''), 'base64').toString('utf8').split(':')[0] : undefined);

beforeAll(async () => {
  fake = await newFake();
  fake.seed({ repositories: 3 });
  http = testForgeHttp();
  app = fake.addGitRepository('app');
  const first = app.commit('main', { files: { 'README.md': 'version one\n', 'src/index.js': 'console.log(1);\n' }, message: 'Initial commit', author: { name: 'Grace Hopper', email: 'grace@example.com' } });
  const second = app.commit('main', { files: { 'README.md': 'version two\n' }, message: 'Second commit\n\nWith a body.' });
  const feature = app.commit('feature/login', { files: { 'login.js': 'export {};\n' }, message: 'Add login' }, first);
  app.tag('v1.0.0', first);
  commits = { first, second, feature };
});

afterAll(async () => {
  await http.close();
  for (const other of stopLater) await other.stop();
  await fake.stop();
  checkouts.removeAll();
});

beforeEach(() => fake.server.reset());

describe('getRepository', () => {
  test('a repository of the installation, with the clone URL GitHub reports', async () => {
    const repository = await adapter().getRepository('acme/app');
    expect(repository).toEqual<RepositoryInfo>({
      forgeId: expect.any(String) as string,
      name: 'app',
      fullName: 'acme/app',
      owner: 'acme',
      isPrivate: true,
      defaultBranch: 'main',
      cloneUrl: `${fake.url}/acme/app.git`,
      webUrl: `${fake.url}/acme/app`,
      updatedAt: expect.any(Date) as Date,
    });
    const seeded = await adapter().getRepository('acme/web-001.git');
    expect(seeded.forgeId).toBe(String(fake.seeded[1]!.id));
  });

  test('not found: ForgeNotFoundError naming it', async () => {
    const error = await failure(adapter().getRepository('acme/no-such-repo'), ForgeNotFoundError);
    expect(error.message).toMatch(/acme\/no-such-repo not found/);
    await failure(adapter().getRepository('no-slash'), ForgeNotFoundError);
  });
});

describe('resolveCommit', () => {
  test('a branch: its head commit, with message, author and commit date from git', async () => {
    const commit = await adapter().resolveCommit('acme/app', 'main');
    const expected = app.commitInfo(commits.second)!;
    expect(commit).toEqual({ sha: commits.second, message: 'Second commit\n\nWith a body.', authorName: 'Ada Lovelace', authorEmail: 'ada@example.com', committedAt: new Date(Math.floor(expected.committedAt.getTime() / 1000) * 1000) });
    expect(fake.requestsTo('/repos/acme/app/commits/main')).toHaveLength(1);
  });

  test('a branch whose name has a slash', async () => {
    const commit = await adapter().resolveCommit('acme/app', 'feature/login');
    expect(commit.sha).toBe(commits.feature);
    expect(commit.message).toBe('Add login');
  });

  test('a tag', async () => {
    const commit = await adapter().resolveCommit('acme/app', 'v1.0.0');
    expect(commit).toMatchObject({ sha: commits.first, message: 'Initial commit', authorName: 'Grace Hopper', authorEmail: 'grace@example.com' });
  });

  test('a commit sha, full or abbreviated', async () => {
    expect((await adapter().resolveCommit('acme/app', commits.first)).sha).toBe(commits.first);
    expect((await adapter().resolveCommit('acme/app', commits.feature.slice(0, 10))).sha).toBe(commits.feature);
  });

  test('follows the branch as it moves', async () => {
    const other = fake.addGitRepository('moving');
    const before = other.commit('main', { files: { a: '1' }, message: 'one' });
    expect((await adapter().resolveCommit('acme/moving', 'main')).sha).toBe(before);
    const after = other.commit('main', { files: { a: '2' }, message: 'two' });
    expect((await adapter().resolveCommit('acme/moving', 'main')).sha).toBe(after);
  });

  test('an unknown branch, tag or sha: ForgeNotFoundError (GitHub answers 422)', async () => {
    for (const ref of ['no-such-branch', 'v9.9.9', 'f'.repeat(40), '   ']) {
      const error = await failure(adapter().resolveCommit('acme/app', ref), ForgeNotFoundError);
      expect(error.message).toMatch(/No commit|ref is empty/);
    }
    expect(fake.requestsTo(/^\/repos\/acme\/app\/commits\//).length).toBe(3);
  });

  test('an unknown repository and an empty one: ForgeNotFoundError', async () => {
    const missing = await failure(adapter().resolveCommit('acme/nope', 'main'), ForgeNotFoundError);
    expect(missing.message).toMatch(/acme\/nope not found/);
    fake.addGitRepository('empty');
    const empty = await failure(adapter().resolveCommit('acme/empty', 'main'), ForgeNotFoundError);
    expect(empty.message).toMatch(/empty/);
  });
});

describe('sourceAccess and fetchSource', () => {
  test('clones exactly the commit through the fake, with the installation token kept out of the checkout', async () => {
    const access = await adapter().sourceAccess('acme/app');
    expect(access).toEqual({ cloneUrl: `${fake.url}/acme/app.git`, username: 'x-access-token', password: expect.stringMatching(/^ghs_/) as string });
    expect(fake.issuedTokens).toContain(access.password);

    // The first commit, not the branch head: the checkout must be exactly the resolved sha.
    const { directory, output } = await checkouts.fetchInto(access, commits.first, 'main');
    expect(readFileSync(path.join(directory, 'README.md'), 'utf8')).toBe('version one\n');
    expect(checkoutHead(directory)).toBe(commits.first);

    const config = readFileSync(path.join(directory, '.git', 'config'), 'utf8');
    expect(config).not.toContain(access.password);
    expect(config).not.toContain('x-access-token');
    expect(allText(path.join(directory, '.git'))).not.toContain(access.password);
    expect(output).not.toContain(access.password);

    const fetches = gitRequests();
    expect(fetches.length).toBeGreaterThan(0);
    expect(fetches.every((r) => r.url.pathname.startsWith('/acme/app.git/'))).toBe(true);
    expect(fetches.every((r) => basicUser(r.headers.authorization) === 'x-access-token')).toBe(true);
  });

  test('a tag and a feature branch check out their own trees', async () => {
    const access = await adapter().sourceAccess('acme/app');
    const tag = await adapter().resolveCommit('acme/app', 'v1.0.0');
    const tagged = await checkouts.fetchInto(access, tag.sha, 'refs/tags/v1.0.0');
    expect(checkoutHead(tagged.directory)).toBe(commits.first);
    const feature = await checkouts.fetchInto(access, commits.feature, 'feature/login');
    expect(readFileSync(path.join(feature.directory, 'login.js'), 'utf8')).toBe('export {};\n');
    expect(readFileSync(path.join(feature.directory, 'README.md'), 'utf8')).toBe('version one\n');
  });

  test('a wrong token is refused by the git endpoint (401, WWW-Authenticate: Basic)', async () => {
    const access = await adapter().sourceAccess('acme/app');
    await failure(checkouts.fetchInto({ ...access, password: 'ghs_not-a-token-of-this-installation' }, commits.second, 'main'), SourceFetchError);
    await failure(checkouts.fetchInto({ ...access, username: 'someone' }, commits.second, 'main'), SourceFetchError);
    const refused = await fetch(`${access.cloneUrl}/info/refs?service=git-upload-pack`, { headers: { authorization: `Basic ${Buffer.from('x-access-token:ghs_wrong').toString('base64')}` } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe('Basic realm="GitHub"');
  });

  test('an expired token is refused by the git endpoint', async () => {
    const access = await adapter().sourceAccess('acme/app');
    fake.advanceClock(HOUR + 60_000);
    try {
      await failure(checkouts.fetchInto(access, commits.second, 'main'), SourceFetchError);
    } finally {
      fake.advanceClock(-(HOUR + 60_000));
    }
  });

  test('a revoked token: git refuses it, the API refuses it and the adapter drops it, then a fresh one clones', async () => {
    const own = await newFake();
    stopLater.push(own);
    const sha = own.addGitRepository('app').commit('main', { files: { f: 'x' }, message: 'x' });
    // auth-app retries a 401 for 5 s after minting a token (replication delay): mint it with the host clock 10 s back.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() - 10_000, shouldAdvanceTime: true });
    let stale: SourceAccess;
    try {
      stale = await adapter(own).sourceAccess('acme/app');
    } finally {
      vi.useRealTimers();
    }
    own.revokeTokens();
    await failure(checkouts.fetchInto(stale, sha, 'main'), SourceFetchError);
    await failure(adapter(own).sourceAccess('acme/app'), ForgeAuthFailedError, own);
    const fresh = await adapter(own).sourceAccess('acme/app');
    expect(fresh.password).not.toBe(stale.password);
    expect(own.issuedTokens).toEqual([stale.password, fresh.password]);
    const { directory } = await checkouts.fetchInto(fresh, sha, 'main');
    expect(checkoutHead(directory)).toBe(sha);
  });

  test('a token about to expire is replaced before it is handed to git', async () => {
    const own = await newFake();
    stopLater.push(own);
    own.addGitRepository('app').commit('main', { files: { f: 'x' }, message: 'x' });
    // The fake's clock 55 minutes behind: the tokens it mints expire 5 minutes from now by the host's clock.
    own.advanceClock(-55 * 60_000);
    const access = await adapter(own).sourceAccess('acme/app');
    expect(own.issuedTokens).toHaveLength(2);
    expect(access.password).toBe(own.issuedTokens[1]);
    // The API call itself used the first token; git gets the second.
    expect(own.requestsTo('/repos/acme/app')[0]!.headers.authorization).toBe(`token ${own.issuedTokens[0]}`);
  });

  test('a clone URL on another origin than the configured GitHub: ForgeMisconfiguredError, and git is never asked', async () => {
    fake.reportUrlsAt('https://github.other.example');
    try {
      const error = await failure(adapter().sourceAccess('acme/app'), ForgeMisconfiguredError);
      expect(error.field).toBe('githubUrl');
      expect(error.message).toMatch(/https:\/\/github\.other\.example/);
    } finally {
      fake.reportUrlsAt(null);
    }
    fake.reportUrlsAt(fake.url.replace('http://', 'https://'));
    try {
      await failure(adapter().sourceAccess('acme/app'), ForgeMisconfiguredError);
    } finally {
      fake.reportUrlsAt(null);
    }
    expect(gitRequests()).toHaveLength(0);
  });

  test('an unknown repository: ForgeNotFoundError before any token is handed out', async () => {
    await failure(adapter().sourceAccess('acme/nope'), ForgeNotFoundError);
  });

  test('the web origin of a GitHub URL (what clone URLs must be on)', () => {
    expect(gitHubWebOrigin('https://github.com')).toBe('https://github.com');
    expect(gitHubWebOrigin('https://api.github.com/')).toBe('https://github.com');
    expect(gitHubWebOrigin('https://api.octo-corp.ghe.com')).toBe('https://octo-corp.ghe.com');
    expect(gitHubWebOrigin('https://github.example.com/api/v3')).toBe('https://github.example.com');
    expect(gitHubWebOrigin('http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080');
  });
});

describe('setCommitStatus', () => {
  test.each<[CommitState, string]>([
    ['PENDING', 'pending'],
    ['SUCCESS', 'success'],
    ['FAILURE', 'failure'],
    ['ERROR', 'error'],
  ])('%s is posted as GitHub’s "%s"', async (state, wire) => {
    const before = fake.statuses.length;
    await adapter().setCommitStatus('acme/app', commits.second, { state, context: 'forgegraph/deploy', description: `Deployment ${state.toLowerCase()}`, targetUrl: 'https://deploy.example/d/42' });
    expect(fake.statuses.slice(before)).toEqual([
      expect.objectContaining({
        repository: 'acme/app',
        sha: commits.second,
        state: wire,
        context: 'forgegraph/deploy',
        description: `Deployment ${state.toLowerCase()}`,
        targetUrl: 'https://deploy.example/d/42',
        creator: expect.objectContaining({ login: 'forgegraph-test[bot]', type: 'Bot' }) as object,
      }),
    ]);
    const [post] = fake.requestsTo(`/repos/acme/app/statuses/${commits.second}`, 'POST');
    expect(post!.headers.authorization).toMatch(/^token ghs_/);
  });

  test('no target URL is sent as none; a description over 140 characters is cut to fit', async () => {
    const long = 'é'.repeat(200);
    await adapter().setCommitStatus('acme/app', commits.first, { state: 'PENDING', context: 'forgegraph/build', description: long, targetUrl: null });
    const recorded = fake.statuses.at(-1)!;
    expect(recorded.targetUrl).toBeNull();
    expect([...recorded.description!]).toHaveLength(140);
    expect(recorded.description!.endsWith('…')).toBe(true);
    const [post] = fake.requestsTo(`/repos/acme/app/statuses/${commits.first}`, 'POST');
    expect(Object.keys(JSON.parse(post!.body) as object).sort()).toEqual(['context', 'description', 'state']);
  });

  test('an unknown repository, an unknown commit: ForgeNotFoundError', async () => {
    const status = { state: 'SUCCESS' as const, context: 'forgegraph/deploy', description: 'ok', targetUrl: null };
    const repository = await failure(adapter().setCommitStatus('acme/nope', commits.second, status), ForgeNotFoundError);
    expect(repository.message).toMatch(/acme\/nope not found/);
    const commit = await failure(adapter().setCommitStatus('acme/app', 'e'.repeat(40), status), ForgeNotFoundError);
    expect(commit.message).toMatch(/No commit/);
  });

  test('an installation without "Commit statuses: write": ForgeAuthFailedError that says so (GitHub answers 403)', async () => {
    const own = await newFake({ metadata: 'read', contents: 'read' });
    stopLater.push(own);
    const sha = own.addGitRepository('app').commit('main', { files: { f: 'x' }, message: 'x' });
    const error = await failure(
      adapter(own).setCommitStatus('acme/app', sha, { state: 'SUCCESS', context: 'forgegraph/deploy', description: 'ok', targetUrl: null }),
      ForgeAuthFailedError,
      own,
    );
    expect(error.message).toMatch(/Commit statuses/);
    expect(own.statuses).toHaveLength(0);
  });
});

describe('the fake follows GitHub', () => {
  const token = () => fake.issuedTokens.at(-1)!;
  const api = (route: string, init: RequestInit = {}) =>
    fetch(`${fake.apiUrl}${route}`, { ...init, headers: { authorization: `token ${token()}`, 'user-agent': 'test', 'content-type': 'application/json', ...init.headers } });

  beforeAll(async () => {
    await adapter().getRepository('acme/app');
  });

  test('branches, tags and commits of a git-backed repository come from git', async () => {
    const branches = (await (await api('/repos/acme/app/branches')).json()) as { name: string; commit: { sha: string } }[];
    expect(branches.map((b) => [b.name, b.commit.sha])).toEqual([
      ['feature/login', commits.feature],
      ['main', commits.second],
    ]);
    const tags = (await (await api('/repos/acme/app/tags')).json()) as { name: string; commit: { sha: string } }[];
    expect(tags.map((t) => [t.name, t.commit.sha])).toEqual([['v1.0.0', commits.first]]);
    const commit = (await (await api(`/repos/acme/app/commits/heads/main`)).json()) as { sha: string; parents: { sha: string }[]; commit: { tree: { sha: string } } };
    expect(commit.sha).toBe(commits.second);
    expect(commit.parents.map((p) => p.sha)).toEqual([commits.first]);
    expect(commit.commit.tree.sha).toBe(gitIn(app.path, ['rev-parse', `${commits.second}^{tree}`]));
    const missing = await api('/repos/acme/app/commits/nope');
    expect(missing.status).toBe(422);
    expect(((await missing.json()) as { message: string }).message).toBe('No commit found for SHA: nope');
  });

  test('seeded repositories keep answering from their seeded branches', async () => {
    const seeded = fake.seeded[0]!;
    const commit = (await (await api(`/repos/acme/${seeded.name}/commits/main`)).json()) as { sha: string };
    expect(commit.sha).toBe(seeded.branches.find((b) => b.name === 'main')!.sha);
  });

  test('statuses: 201 with Location; an unknown state or a long description is a 422 Validation Failed', async () => {
    const created = await api(`/repos/acme/app/statuses/${commits.first}`, { method: 'POST', body: JSON.stringify({ state: 'success' }) });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`${fake.apiUrl}/repos/acme/app/statuses/${commits.first}`);
    expect(((await created.json()) as { context: string }).context).toBe('default');

    const badState = await api(`/repos/acme/app/statuses/${commits.first}`, { method: 'POST', body: JSON.stringify({ state: 'done', context: 'x' }) });
    expect(badState.status).toBe(422);
    expect(await badState.json()).toMatchObject({ message: 'Validation Failed', errors: [{ resource: 'Status', code: 'custom', field: 'state', message: 'state is not included in the list' }] });
    const long = await api(`/repos/acme/app/statuses/${commits.first}`, { method: 'POST', body: JSON.stringify({ state: 'error', description: 'x'.repeat(141) }) });
    expect(long.status).toBe(422);
    expect(await long.json()).toMatchObject({ errors: [{ field: 'description', message: 'description is too long (maximum is 140 characters)' }] });
    const unparsable = await api(`/repos/acme/app/statuses/${commits.first}`, { method: 'POST', body: '{' });
    expect(unparsable.status).toBe(400);
  });

  test('git: anonymous requests to a private or unknown repository get 401; a valid token on an unknown repository gets 404; public repositories clone anonymously', async () => {
    const infoRefs = (repo: string, authorization?: string) =>
      fetch(`${fake.url}/acme/${repo}.git/info/refs?service=git-upload-pack`, { headers: authorization ? { authorization } : {} });
    const basic = `Basic ${Buffer.from(`x-access-token:${token()}`).toString('base64')}`;
    expect((await infoRefs('app')).status).toBe(401);
    expect((await infoRefs('nope')).status).toBe(401);
    expect((await infoRefs('nope', basic)).status).toBe(404);
    expect((await infoRefs('app', basic)).status).toBe(200);

    const open = fake.addGitRepository('open-source', { isPrivate: false });
    const sha = open.commit('main', { files: { 'LICENSE': 'MIT\n' }, message: 'License' });
    const directory = checkouts.directory();
    await gitRemote(['clone', '--quiet', `${fake.url}/acme/open-source.git`, directory]);
    expect(checkoutHead(directory)).toBe(sha);
    await expect(gitRemote(['ls-remote', `${fake.url}/acme/app.git`])).rejects.toThrow(/Authentication failed|could not read Username/);
  });

  test('git: a token without the "Contents" permission is refused (403)', async () => {
    const own = await newFake({ metadata: 'read', statuses: 'write' });
    stopLater.push(own);
    const sha = own.addGitRepository('app').commit('main', { files: { f: 'x' }, message: 'x' });
    const access = await adapter(own).sourceAccess('acme/app');
    await failure(checkouts.fetchInto(access, sha, 'main'), SourceFetchError);
    const refused = await fetch(`${access.cloneUrl}/info/refs?service=git-upload-pack`, { headers: { authorization: `Basic ${Buffer.from(`x-access-token:${access.password}`).toString('base64')}` } });
    expect(refused.status).toBe(403);
  });
});
