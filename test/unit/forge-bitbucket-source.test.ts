import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SourceFetchError } from '../../src/deployments/source-fetch.js';
import { createBitbucketAdapter } from '../../src/providers/bitbucket/adapter.js';
import { gitOrigin } from '../../src/providers/bitbucket/source.js';
import { ForgeAuthFailedError, ForgeError, ForgeMisconfiguredError, ForgeNotFoundError, ForgeUnreachableError } from '../../src/providers/errors.js';
import type { BitbucketAdapterSettings } from '../../src/providers/settings.js';
import type { CommitState, ForgeAdapter } from '../../src/providers/types.js';
import { errorBody } from '../fakes/bitbucket/bodies.js';
import { FakeBitbucket } from '../fakes/bitbucket/fake-bitbucket.js';
import type { FakeRequest } from '../fakes/fake-server.js';
import type { TestGitRepository } from '../fakes/git/repository.js';
import { checkoutHead, Checkouts, expectSecretFreeFailure } from '../support/checkouts.js';
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
  Buffer.from(`x-bitbucket-api-token-auth:${credentials.apiToken}`).toString('base64'),
  Buffer.from(`${credentials.username}:${credentials.appPassword}`).toString('base64'),
  canary,
];

const fake = new FakeBitbucket(credentials);
const http = testForgeHttp();
const checkouts = new Checkouts('bitbucket-checkout');

let app: TestGitRepository;
let readonly: TestGitRepository;
/** acme/app: main = first → second; feature/login = first → login; tag v1.0 = first. */
const commits = { first: '', second: '', login: '' };

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

function adapter(overrides: Partial<BitbucketAdapterSettings> = {}): ForgeAdapter {
  return createBitbucketAdapter(settings(overrides), http);
}

const appPasswordSettings = { apiToken: null, bitbucketEmail: null, bitbucketUsername: credentials.username, appPassword: credentials.appPassword };

/** The typed error a call fails with, after checking that no secret is in any form of it, nor a cause. */
const failure = <T extends ForgeError>(call: Promise<unknown>, type: abstract new (...args: never[]) => T) => expectSecretFreeFailure(call, type, secrets);

const refRequests = (repository: string) => (r: FakeRequest) => r.url.pathname.startsWith(`/2.0/repositories/${repository}/`);
const isGitRequest = (r: FakeRequest) => !r.url.pathname.startsWith('/2.0/');

beforeAll(async () => {
  await fake.start();
  fake.seed({ workspace: 'acme', repositories: 3, branchesPerRepo: 2, otherWorkspaces: ['partner'] });
  app = fake.addGitRepository('acme/app');
  commits.first = app.commit('main', { files: { 'README.md': '# app\n', 'version.txt': 'one\n' }, message: 'First commit\n\nWith a body.', author: { name: 'Grace Hopper', email: 'grace@example.com' } });
  commits.login = app.commit('feature/login', { files: { 'login.txt': 'login\n' }, message: 'Add login' }, 'main');
  commits.second = app.commit('main', { files: { 'version.txt': 'two\n' }, message: 'Second commit' });
  app.tag('v1.0', commits.first);
  readonly = fake.addGitRepository('acme/readonly', { permission: 'read' });
  readonly.commit('main', { files: { 'a.txt': 'a\n' }, message: 'Only commit' });
});

beforeEach(() => fake.reset());

afterAll(async () => {
  await fake.stop();
  await http.close();
  checkouts.removeAll();
});

describe('getRepository', () => {
  it('answers a git-backed repository, with the clone link on the fake and the username Bitbucket writes in it dropped', async () => {
    const repo = await adapter().getRepository('acme/app');
    const seeded = fake.repositories.find((r) => r.slug === 'app')!;
    expect(repo).toEqual({
      forgeId: seeded.uuid,
      name: 'app',
      fullName: 'acme/app',
      owner: 'acme',
      isPrivate: true,
      defaultBranch: 'main',
      cloneUrl: `${fake.url}/acme/app.git`,
      webUrl: `${fake.url}/acme/app`,
      updatedAt: new Date(seeded.updatedOn),
    });
    const link = await fetch(`${fake.apiUrl}/repositories/acme/app`, { headers: { authorization: `Basic ${secrets[2]}` } }).then((r) => r.json());
    expect(link.links.clone[0]).toEqual({ name: 'https', href: `${fake.url.replace('http://', 'http://fake-dev@')}/acme/app.git` });
  });

  it('unknown, invisible or malformed repository → ForgeNotFoundError', async () => {
    const error = await failure(adapter().getRepository('acme/nope'), ForgeNotFoundError);
    expect(error.message).toContain('acme/nope');
    await failure(adapter().getRepository('partner/hidden'), ForgeNotFoundError);
    await failure(adapter().getRepository('not-a-full-name'), ForgeNotFoundError);
  });

  it('bad credentials → ForgeAuthFailedError', async () => {
    await failure(adapter({ apiToken: `wrong-${canary}` }).getRepository('acme/app'), ForgeAuthFailedError);
  });
});

describe('resolveCommit', () => {
  it('a branch → its head, from the single-branch endpoint', async () => {
    const commit = await adapter().resolveCommit('acme/app', 'main');
    const info = app.commitInfo(commits.second)!;
    expect(commit).toEqual({ sha: commits.second, message: 'Second commit', authorName: info.authorName, authorEmail: info.authorEmail, committedAt: info.committedAt });
    expect(fake.requests.filter(refRequests('acme/app')).map((r) => r.url.pathname)).toEqual(['/2.0/repositories/acme/app/refs/branches/main']);
  });

  it('a branch with a slash in its name', async () => {
    const commit = await adapter().resolveCommit('acme/app', 'feature/login');
    expect(commit).toMatchObject({ sha: commits.login, message: 'Add login' });
  });

  it('a tag → its commit (author and whole message as git has them), after the branch lookup found none', async () => {
    const commit = await adapter().resolveCommit('acme/app', 'v1.0');
    expect(commit).toEqual({
      sha: commits.first,
      message: 'First commit\n\nWith a body.',
      authorName: 'Grace Hopper',
      authorEmail: 'grace@example.com',
      committedAt: app.commitInfo(commits.first)!.committedAt,
    });
    expect(fake.requests.filter(refRequests('acme/app')).map((r) => r.url.pathname)).toEqual([
      '/2.0/repositories/acme/app/refs/branches/v1.0',
      '/2.0/repositories/acme/app/refs/tags/v1.0',
    ]);
  });

  it('a full sha → that commit, asked for as a commit first', async () => {
    const commit = await adapter().resolveCommit('acme/app', commits.first);
    expect(commit).toMatchObject({ sha: commits.first, authorName: 'Grace Hopper' });
    expect(fake.requests.filter(refRequests('acme/app')).map((r) => r.url.pathname)).toEqual([`/2.0/repositories/acme/app/commit/${commits.first}`]);
  });

  it('an abbreviated sha → the full sha', async () => {
    const commit = await adapter().resolveCommit('acme/app', commits.login.slice(0, 10));
    expect(commit.sha).toBe(commits.login);
  });

  it('follows a branch as it moves', async () => {
    const before = app.commit('moving', { files: { 'moving.txt': '1\n' }, message: 'Moving 1' }, 'main');
    expect((await adapter().resolveCommit('acme/app', 'moving')).sha).toBe(before);
    const after = app.commit('moving', { files: { 'moving.txt': '2\n' }, message: 'Moving 2' });
    expect((await adapter().resolveCommit('acme/app', 'moving')).sha).toBe(after);
  });

  it('an unknown ref → ForgeNotFoundError naming it', async () => {
    const error = await failure(adapter().resolveCommit('acme/app', 'nope'), ForgeNotFoundError);
    expect(error.message).toMatch(/no branch, tag or commit named "nope"/);
    // A well-formed sha no commit has.
    await failure(adapter().resolveCommit('acme/app', 'deadbeef'.repeat(5)), ForgeNotFoundError);
    // Not a ref name at all ("." and ".." would be resolved away in the URL): no ref lookup is made.
    fake.reset();
    await failure(adapter().resolveCommit('acme/app', '..'), ForgeNotFoundError);
    expect(fake.requests.map((r) => r.url.pathname)).toEqual(['/2.0/repositories/acme/app']);
  });

  it('an unknown repository → ForgeNotFoundError naming the repository', async () => {
    const error = await failure(adapter().resolveCommit('acme/nope', 'main'), ForgeNotFoundError);
    expect(error.message).toContain('"acme/nope"');
    expect(error.message).not.toMatch(/no branch/);
  });
});

describe('sourceAccess and fetchSource', () => {
  it('API token: clones exactly the asked commit through the fake, leaving no credential in the checkout', async () => {
    const access = await adapter().sourceAccess('acme/app');
    expect(access).toEqual({ cloneUrl: `${fake.url}/acme/app.git`, username: 'x-bitbucket-api-token-auth', password: credentials.apiToken });

    // An older commit than the branch head, so the checkout shows that the sha, not the branch, was fetched.
    const { directory, output } = await checkouts.fetchInto(access, commits.first, 'main');
    expect(checkoutHead(directory)).toBe(commits.first);
    expect(readFileSync(join(directory, 'version.txt'), 'utf8')).toBe('one\n');
    const config = readFileSync(join(directory, '.git', 'config'), 'utf8');
    for (const secret of [...secrets, 'x-bitbucket-api-token-auth']) {
      expect(config).not.toContain(secret);
      expect(output).not.toContain(secret);
    }
    // git came to the clone link's path with the credentials Atlassian documents for git.
    const gitRequests = fake.requests.filter(isGitRequest);
    expect(gitRequests.length).toBeGreaterThan(0);
    expect(gitRequests.every((r) => r.url.pathname.startsWith('/acme/app.git/'))).toBe(true);
    expect(gitRequests.every((r) => r.headers.authorization === `Basic ${secrets[3]}`)).toBe(true);
  });

  it('app password: git gets the Bitbucket username', async () => {
    const access = await adapter(appPasswordSettings).sourceAccess('acme/app');
    expect(access).toEqual({ cloneUrl: `${fake.url}/acme/app.git`, username: credentials.username, password: credentials.appPassword });
    const { directory } = await checkouts.fetchInto(access, commits.login, 'feature/login');
    expect(checkoutHead(directory)).toBe(commits.login);
    expect(readFileSync(join(directory, 'login.txt'), 'utf8')).toBe('login\n');
  });

  it('a wrong, expired or revoked token is refused by the git endpoint (401), and the fetch fails', async () => {
    const access = await adapter().sourceAccess('acme/app');
    await expect(checkouts.fetchInto({ ...access, password: `wrong-${canary}` }, commits.second, 'main')).rejects.toBeInstanceOf(SourceFetchError);
    // The API's username (the email) is not git's.
    await expect(checkouts.fetchInto({ ...access, username: credentials.email }, commits.second, 'main')).rejects.toBeInstanceOf(SourceFetchError);
    fake.apiTokensExpired = true;
    await expect(checkouts.fetchInto(access, commits.second, 'main')).rejects.toBeInstanceOf(SourceFetchError);
    const infoRefs = fake.requests.filter((r) => r.url.pathname === '/acme/app.git/info/refs');
    expect(infoRefs.length).toBeGreaterThanOrEqual(3);
  });

  it('the fake answers git as bitbucket.org does: 401 with a Basic challenge, 403 for a repository out of reach', async () => {
    const infoRefs = (repo: string, authorization?: string) =>
      fetch(`${fake.url}/${repo}.git/info/refs?service=git-upload-pack`, { headers: authorization ? { authorization } : {} });
    const good = `Basic ${secrets[3]}`;
    const none = await infoRefs('acme/app');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Basic realm="Bitbucket.org HTTP"');
    expect((await infoRefs('acme/app', `Basic ${Buffer.from(`x-bitbucket-api-token-auth:wrong-${canary}`).toString('base64')}`)).status).toBe(401);
    expect((await infoRefs('acme/nope', good)).status).toBe(403);
    expect((await infoRefs('partner/hidden', good)).status).toBe(403);
    const ok = await infoRefs('acme/app', good);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('application/x-git-upload-pack-advertisement');
    fake.appPasswordsRemoved = true;
    expect((await infoRefs('acme/app', `Basic ${secrets[4]}`)).status).toBe(401);
  });

  it('a clone link on another origin than the API is refused before any credential leaves', async () => {
    // Generated repositories report bitbucket.org links, while this adapter's API is the fake.
    const error = await failure(adapter().sourceAccess('acme/repo-1'), ForgeMisconfiguredError);
    expect(error.message).toContain('bitbucket.org');
    expect(fake.requests.filter(isGitRequest)).toHaveLength(0);
  });

  it('git lives on bitbucket.org for the real API, on the API origin when BITBUCKET_API_URL is overridden', () => {
    expect(gitOrigin('https://api.bitbucket.org/2.0')).toBe('https://bitbucket.org');
    expect(gitOrigin(fake.apiUrl)).toBe(fake.url);
  });

  it('an unknown repository → ForgeNotFoundError', async () => {
    await failure(adapter().sourceAccess('acme/nope'), ForgeNotFoundError);
  });
});

describe('setCommitStatus', () => {
  const cases: [CommitState, string][] = [
    ['PENDING', 'INPROGRESS'],
    ['SUCCESS', 'SUCCESSFUL'],
    ['FAILURE', 'FAILED'],
    ['ERROR', 'FAILED'],
  ];

  it.each(cases)('%s is recorded by Bitbucket as %s', async (state, bitbucketState) => {
    const targetUrl = `https://deploy.example.com/deployments/${state.toLowerCase()}`;
    await adapter().setCommitStatus('acme/app', commits.second, { state, context: 'forgegraph/production', description: `Deployment ${state}`, targetUrl });
    expect(fake.statusesOf('acme/app', commits.second)).toEqual([
      expect.objectContaining({ key: 'forgegraph/production', state: bitbucketState, name: 'forgegraph/production', description: `Deployment ${state}`, url: targetUrl }),
    ]);
    const [post] = fake.requests.filter((r) => r.method === 'POST');
    expect(post!.url.pathname).toBe(`/2.0/repositories/acme/app/commit/${commits.second}/statuses/build`);
  });

  it('the same context again replaces the status; another context adds one', async () => {
    const status = { context: 'forgegraph/production', description: 'Deploying', targetUrl: 'https://deploy.example.com/d/1' };
    await adapter().setCommitStatus('acme/app', commits.second, { ...status, state: 'PENDING' });
    await adapter().setCommitStatus('acme/app', commits.second, { ...status, state: 'SUCCESS', description: 'Deployed' });
    await adapter().setCommitStatus('acme/app', commits.second, { ...status, context: 'forgegraph/staging', state: 'FAILURE' });
    expect(fake.statusesOf('acme/app', commits.second).map((s) => [s.key, s.state, s.description])).toEqual([
      ['forgegraph/production', 'SUCCESSFUL', 'Deployed'],
      ['forgegraph/staging', 'FAILED', 'Deploying'],
    ]);
  });

  it('without a target URL, the status links to the commit on Bitbucket (a url is required)', async () => {
    await adapter().setCommitStatus('acme/app', commits.first, { state: 'SUCCESS', context: 'forgegraph/production', description: 'Deployed', targetUrl: null });
    expect(fake.statusesOf('acme/app', commits.first)[0]!.url).toBe(`${fake.url}/acme/app/commits/${commits.first}`);
  });

  it('a 5xx on the POST → ForgeUnreachableError (the HTTP layer retries no POST)', async () => {
    fake.failNext(1, { status: 503, body: errorBody('Service unavailable') });
    const status = { state: 'SUCCESS' as const, context: 'forgegraph/production', description: 'ok', targetUrl: 'https://deploy.example.com' };
    await failure(adapter().setCommitStatus('acme/app', commits.second, status), ForgeUnreachableError);
    expect(fake.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(fake.statuses).toEqual([]);
  });

  it('unknown repository or commit → ForgeNotFoundError', async () => {
    const status = { state: 'SUCCESS' as const, context: 'forgegraph/production', description: 'x', targetUrl: 'https://deploy.example.com' };
    const repo = await failure(adapter().setCommitStatus('acme/nope', commits.second, status), ForgeNotFoundError);
    expect(repo.message).toContain('acme/nope');
    await failure(adapter().setCommitStatus('acme/app', 'deadbeef'.repeat(5), status), ForgeNotFoundError);
    fake.reset();
    await failure(adapter().setCommitStatus('acme/app', 'not-a-sha', status), ForgeNotFoundError);
    expect(fake.requests).toHaveLength(0);
    expect(fake.statuses).toEqual([]);
  });

  it('overwriting a status another account created, without admin rights → 403 → ForgeAuthFailedError', async () => {
    const sha = readonly.resolve('main')!;
    const theirs = { context: 'ci/build', description: 'Their build', targetUrl: 'https://ci.example.com/1' };
    await adapter().setCommitStatus('acme/readonly', sha, { ...theirs, state: 'SUCCESS' });
    // The status becomes another account's, as if their CI had posted it.
    fake.statuses[0]!.creatorUuid = '{00000000-0000-4000-a000-000000000001}';
    const error = await failure(adapter().setCommitStatus('acme/readonly', sha, { ...theirs, state: 'FAILURE' }), ForgeAuthFailedError);
    expect(error.message).toMatch(/HTTP 403/);
    expect(fake.statusesOf('acme/readonly', sha).map((s) => s.state)).toEqual(['SUCCESSFUL']);
    // A repository admin may overwrite it.
    fake.statuses[0]!.repository = 'acme/app';
    fake.statuses[0]!.commit = commits.second;
    await adapter().setCommitStatus('acme/app', commits.second, { ...theirs, state: 'FAILURE' });
    expect(fake.statusesOf('acme/app', commits.second).map((s) => s.state)).toEqual(['FAILED']);
  });

  it('expired API token → ForgeAuthFailedError', async () => {
    fake.apiTokensExpired = true;
    await failure(
      adapter().setCommitStatus('acme/app', commits.second, { state: 'PENDING', context: 'forgegraph/production', description: 'x', targetUrl: 'https://deploy.example.com' }),
      ForgeAuthFailedError,
    );
    expect(fake.statuses).toEqual([]);
  });

  it('the fake validates the body as Bitbucket does: state from the enum, key and url required', async () => {
    const post = (body: unknown) =>
      fetch(`${fake.apiUrl}/repositories/acme/app/commit/${commits.second}/statuses/build/`, {
        method: 'POST',
        headers: { authorization: `Basic ${secrets[2]}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const unknownState = await post({ key: 'k', state: 'DONE', url: 'https://x.example.com' });
    expect(unknownState.status).toBe(400);
    expect(await unknownState.json()).toMatchObject({ type: 'error', error: { message: expect.any(String), data: { fields: { state: expect.any(Array) } } } });
    const missing = await post({ state: 'SUCCESSFUL' });
    expect(missing.status).toBe(400);
    expect(Object.keys((await missing.json()).error.data.fields).sort()).toEqual(['key', 'url']);
    const ok = await post({ key: 'k', state: 'STOPPED', url: 'https://x.example.com' });
    expect(ok.status).toBe(201);
    expect(await ok.json()).toMatchObject({ type: 'commitstatus', key: 'k', state: 'STOPPED', url: 'https://x.example.com' });
    expect(fake.statuses).toHaveLength(1);
  });
});
