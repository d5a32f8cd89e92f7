import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fetchSource, SourceFetchError } from '../../src/deployments/source-fetch.js';
import { ForgeAuthFailedError, ForgeError, ForgeMisconfiguredError, ForgeNotFoundError, ForgeUnreachableError } from '../../src/providers/errors.js';
import { createGiteaAdapter } from '../../src/providers/gitea/adapter.js';
import { AddressPolicy } from '../../src/providers/http/address-policy.js';
import type { ForgeHttp } from '../../src/providers/http/forge-http.js';
import { staticTokenSource, type GiteaAdapterSettings } from '../../src/providers/settings.js';
import type { CommitStatus, ForgeAdapter } from '../../src/providers/types.js';
import type { FakeRequest } from '../fakes/fake-server.js';
import { basicCredentials } from '../fakes/git/http-backend.js';
import type { TestGitRepository } from '../fakes/git/repository.js';
import { FakeGitea } from '../fakes/gitea/fake-gitea.js';
import { checkoutHead, Checkouts, expectSecretFreeFailure } from '../support/checkouts.js';
import { testForgeHttp } from '../support/forge-http.js';

// Canary secrets: unique values that must never show up in an error, a checkout, git's output or a URL.
const TOKEN = `gitea-source-canary-${randomUUID()}`;
const EXPIRED_TOKEN = `gitea-source-expired-${randomUUID()}`;
const UNKNOWN_TOKEN = `gitea-source-unknown-${randomUUID()}`;
const SECRETS = [TOKEN, EXPIRED_TOKEN, UNKNOWN_TOKEN];

const APP = 'acme/app'; // private, real git data
const SITE = 'forgegraph-bot/site'; // public, real git data
const PUBLIC_ROOT = 'https://gitea.example.com';

let fake: FakeGitea;
let http: ForgeHttp;
let app: TestGitRepository;
let site: TestGitRepository;
/** acme/app: main is first → second; feature/login branches from first; tag v1.0.0 is first. */
let first: string;
let second: string;
let feature: string;
let siteHead: string;
const checkouts = new Checkouts('gitea-source');

type SettingsOverrides = Partial<GiteaAdapterSettings> & { accessToken?: string | null };

function adapter({ accessToken = TOKEN, ...overrides }: SettingsOverrides = {}): ForgeAdapter {
  return createGiteaAdapter({ type: 'GITEA', giteaUrl: fake.url, giteaInternalUrl: null, tokens: staticTokenSource(accessToken), ...overrides }, http);
}

/** Requests the fake received while `run` ran, as `METHOD /path?query`. */
async function recorded<T>(run: () => Promise<T>): Promise<{ result: T; requests: FakeRequest[]; lines: string[] }> {
  const before = fake.requests.length;
  const result = await run();
  const requests = fake.requests.slice(before);
  return { result, requests, lines: requests.map((r) => `${r.method} ${r.url.pathname}${r.url.search}`) };
}

/** The typed error a call fails with; no secret anywhere in it and no cause carrying client internals. */
const failure = <E extends ForgeError>(promise: Promise<unknown>, type: abstract new (...args: never[]) => E) => expectSecretFreeFailure(promise, type, SECRETS);

const basic = (username: string, password: string) => `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;

/** A raw request to the fake's git route, as git would send the first one of a clone. */
function infoRefs(fullName: string, authorization?: string): Promise<Response> {
  return fetch(`${fake.url}/${fullName}.git/info/refs?service=git-upload-pack`, { headers: authorization ? { authorization } : {} });
}

beforeAll(async () => {
  fake = await new FakeGitea({ seed: { repositories: 12 }, tokens: [TOKEN, EXPIRED_TOKEN] }).start();
  http = testForgeHttp();
  app = fake.addGitRepository(APP, { isPrivate: true, protectedBranches: ['main'] });
  first = app.commit('main', { files: { 'README.md': '# app\n', 'version.txt': 'v1\n' }, message: 'First commit\n\nWith a body.' });
  app.tag('v1.0.0', first);
  second = app.commit('main', { files: { 'version.txt': 'v2\n' }, message: 'Second commit', author: { name: 'Grace Hopper', email: 'grace@example.com' } });
  feature = app.commit('feature/login', { files: { 'login.txt': 'login\n' }, message: 'Add login' }, first);
  site = fake.addGitRepository(SITE, { isPrivate: false });
  siteHead = site.commit('main', { files: { 'index.html': '<h1>site</h1>\n' }, message: 'Site' });
});

afterEach(() => {
  // Tokens travel only in headers, never in a URL.
  for (const request of fake.requests) for (const secret of SECRETS) expect(request.url.href).not.toContain(secret);
  fake.reset();
});

afterAll(async () => {
  await fake.stop();
  await http.close();
  checkouts.removeAll();
});

describe('Gitea source: getRepository', () => {
  it('reads a repository backed by real git data', async () => {
    const { result, lines } = await recorded(() => adapter().getRepository(APP));
    const seeded = fake.repository(APP)!;
    expect(result).toEqual({
      forgeId: String(seeded.id),
      name: 'app',
      fullName: APP,
      owner: 'acme',
      isPrivate: true,
      defaultBranch: 'main',
      cloneUrl: `${fake.url}/${APP}.git`,
      webUrl: `${fake.url}/${APP}`,
      updatedAt: expect.any(Date) as Date,
    });
    expect(lines).toEqual([`GET /api/v1/repos/${APP}`]);
  });

  it('reads a seeded repository too', async () => {
    const seeded = fake.reachableRepositories().find((r) => r.git === undefined)!;
    const result = await adapter().getRepository(`${seeded.owner.login}/${seeded.name}`);
    expect(result).toMatchObject({ forgeId: String(seeded.id), defaultBranch: seeded.defaultBranch, isPrivate: seeded.isPrivate });
  });

  it('is ForgeNotFoundError for an unknown or invisible repository, and for names that are not owner/name', async () => {
    const gitea = adapter();
    const unknown = await failure(gitea.getRepository('acme/nope'), ForgeNotFoundError);
    expect(unknown.message).toContain('acme/nope');
    const hidden = fake.data.repositories.find((r) => r.owner.login === 'stranger' && r.isPrivate)!;
    await failure(gitea.getRepository(`stranger/${hidden.name}`), ForgeNotFoundError);
    const { requests } = await recorded(async () => {
      await failure(gitea.getRepository('acme'), ForgeNotFoundError);
      await failure(gitea.getRepository('acme/..'), ForgeNotFoundError);
    });
    expect(requests).toHaveLength(0);
  });

  it('an expired token is an auth failure, not a missing private repository', async () => {
    fake.expireToken(EXPIRED_TOKEN);
    const { lines } = await recorded(() => failure(adapter({ accessToken: EXPIRED_TOKEN }).getRepository(APP), ForgeAuthFailedError));
    expect(lines).toEqual([`GET /api/v1/repos/${APP}`, 'GET /api/v1/user']);
  });
});

describe('Gitea source: resolveCommit', () => {
  it('resolves a branch to its head commit, as git has it', async () => {
    const { result, lines } = await recorded(() => adapter().resolveCommit(APP, 'main'));
    const expected = app.commitInfo(second)!;
    expect(result).toEqual({ sha: second, message: 'Second commit', authorName: 'Grace Hopper', authorEmail: 'grace@example.com', committedAt: expected.committedAt });
    expect(lines).toEqual([`GET /api/v1/repos/${APP}/git/commits/main?stat=false&verification=false&files=false`]);
  });

  it('resolves a branch whose name has a slash, encoded as one path segment', async () => {
    const { result, lines } = await recorded(() => adapter().resolveCommit(APP, 'feature/login'));
    expect(result.sha).toBe(feature);
    expect(result.message).toBe('Add login');
    expect(lines[0]).toContain('/git/commits/feature%2Flogin?');
  });

  it('resolves a tag, a full sha and a short sha', async () => {
    const gitea = adapter();
    const tagged = await gitea.resolveCommit(APP, 'v1.0.0');
    expect(tagged).toMatchObject({ sha: first, message: 'First commit\n\nWith a body.', authorName: 'Ada Lovelace', authorEmail: 'ada@example.com' });
    expect((await gitea.resolveCommit(APP, first)).sha).toBe(first);
    expect((await gitea.resolveCommit(APP, second.slice(0, 10))).sha).toBe(second);
  });

  it('follows the branch as it moves', async () => {
    const gitea = adapter();
    const third = app.commit('main', { files: { 'version.txt': 'v3\n' }, message: 'Third commit' });
    expect((await gitea.resolveCommit(APP, 'main')).sha).toBe(third);
    const branches = await gitea.listBranches(APP, { offset: 0, limit: 10 });
    expect(branches.items.find((b) => b.name === 'main')).toMatchObject({ commitSha: third, isDefault: true, isProtected: true });
    // Put main back where the other tests expect it.
    execFileSync('git', ['--git-dir', app.path, 'update-ref', 'refs/heads/main', second]);
  });

  it('resolves a seeded repository’s branch to the sha its branch listing reports', async () => {
    const seeded = fake.reachableRepositories().find((r) => r.git === undefined)!;
    const branch = seeded.branches[0]!;
    const result = await adapter().resolveCommit(`${seeded.owner.login}/${seeded.name}`, branch.name);
    expect(result.sha).toBe(branch.sha);
  });

  it('is ForgeNotFoundError for a ref that names no commit', async () => {
    const gitea = adapter();
    const unknown = await failure(gitea.resolveCommit(APP, 'no-such-branch'), ForgeNotFoundError);
    expect(unknown.message).toContain('no-such-branch');
    await failure(gitea.resolveCommit(APP, '0'.repeat(40)), ForgeNotFoundError);
    await failure(gitea.resolveCommit('acme/nope', 'main'), ForgeNotFoundError);
  });

  it('refuses refs Gitea would reject, without asking it', async () => {
    const { requests } = await recorded(async () => {
      for (const ref of ['', 'main~1', 'main^', '..', '../../user', '.hidden', 'a b', 'HEAD@{1}']) {
        await failure(adapter().resolveCommit(APP, ref), ForgeNotFoundError);
      }
    });
    expect(requests).toHaveLength(0);
  });

  it('an expired token is an auth failure', async () => {
    fake.expireToken(EXPIRED_TOKEN);
    await failure(adapter({ accessToken: EXPIRED_TOKEN }).resolveCommit(APP, 'main'), ForgeAuthFailedError);
  });
});

describe('Gitea source: sourceAccess and fetching the source', () => {
  it('clones exactly the resolved commit of a private repository over smart HTTP', async () => {
    const gitea = adapter();
    const commit = await gitea.resolveCommit(APP, 'main');
    const { result: access, lines } = await recorded(() => gitea.sourceAccess(APP));
    expect(access).toEqual({ cloneUrl: `${fake.url}/${APP}.git`, username: 'oauth2', password: TOKEN });
    expect(lines).toEqual([`GET /api/v1/repos/${APP}`]);

    const git = await recorded(() => checkouts.fetchInto(access, commit.sha, 'main'));
    const { directory, output } = git.result;
    expect(checkoutHead(directory)).toBe(second);
    expect(readFileSync(path.join(directory, 'version.txt'), 'utf8')).toBe('v2\n');
    const config = readFileSync(path.join(directory, '.git', 'config'), 'utf8');
    for (const secret of [TOKEN, 'oauth2']) {
      expect(config).not.toContain(secret);
      expect(output).not.toContain(secret);
    }
    // Every git request carried the credentials as HTTP Basic, at Gitea's own clone path.
    expect(git.requests.length).toBeGreaterThan(0);
    for (const request of git.requests) {
      expect(request.url.pathname.startsWith(`/${APP}.git/`)).toBe(true);
      expect(basicCredentials(request)).toEqual({ username: 'oauth2', password: TOKEN });
    }
  });

  it('checks out an older commit than the branch head', async () => {
    const access = await adapter().sourceAccess(APP);
    const { directory } = await checkouts.fetchInto(access, first, 'main');
    expect(checkoutHead(directory)).toBe(first);
    expect(readFileSync(path.join(directory, 'version.txt'), 'utf8')).toBe('v1\n');
  });

  it('checks the token with GET /user before handing it out for a public repository', async () => {
    const { result: access, lines } = await recorded(() => adapter().sourceAccess(SITE));
    expect(lines).toEqual([`GET /api/v1/repos/${SITE}`, 'GET /api/v1/user']);
    const { directory } = await checkouts.fetchInto(access, siteHead, 'main');
    expect(checkoutHead(directory)).toBe(siteHead);
    expect(readFileSync(path.join(directory, 'index.html'), 'utf8')).toBe('<h1>site</h1>\n');

    fake.expireToken(EXPIRED_TOKEN);
    await failure(adapter({ accessToken: EXPIRED_TOKEN }).sourceAccess(SITE), ForgeAuthFailedError);
  });

  it('rewrites the clone URL to giteaInternalUrl and fetches from there', async () => {
    fake.setRootUrl(`${PUBLIC_ROOT}/`);
    const gitea = adapter({ giteaUrl: PUBLIC_ROOT, giteaInternalUrl: `${fake.url}/` });
    expect((await gitea.getRepository(APP)).cloneUrl).toBe(`${PUBLIC_ROOT}/${APP}.git`);
    const access = await gitea.sourceAccess(APP);
    expect(access.cloneUrl).toBe(`${fake.url}/${APP}.git`);
    const { directory } = await checkouts.fetchInto(access, second, 'main');
    expect(checkoutHead(directory)).toBe(second);
  });

  it('refuses a clone URL on any origin but the provider’s', async () => {
    fake.setRootUrl('https://elsewhere.example.net/');
    const misplaced = await failure(adapter().sourceAccess(APP), ForgeMisconfiguredError);
    expect(misplaced.message).toContain('https://elsewhere.example.net');
    expect(misplaced.field).toBe('giteaUrl');

    // With an internal URL, the public giteaUrl must still match ROOT_URL.
    await failure(adapter({ giteaUrl: PUBLIC_ROOT, giteaInternalUrl: fake.url }).sourceAccess(APP), ForgeMisconfiguredError);
    // Same host, other scheme: another origin.
    fake.setRootUrl(fake.url.replace('http://', 'https://'));
    await failure(adapter().sourceAccess(APP), ForgeMisconfiguredError);
  });

  it('a token that stopped working is refused by the git endpoint, so the fetch fails', async () => {
    const later = fake.issueToken(`gitea-source-later-${randomUUID()}`);
    SECRETS.push(later);
    const access = await adapter({ accessToken: later }).sourceAccess(APP);
    fake.expireToken(later);
    const directory = checkouts.directory();
    let output = '';
    const fetching = fetchSource({ access, sha: second, ref: 'main', directory, policy: new AddressPolicy('127.0.0.1'), timeoutMs: 30_000, onOutput: (t) => (output += t) });
    await expect(fetching).rejects.toBeInstanceOf(SourceFetchError);
    expect(output).not.toContain(later);

    const unknown = fetchSource({ access: { ...access, password: UNKNOWN_TOKEN }, sha: second, ref: 'main', directory: checkouts.directory(), policy: new AddressPolicy('127.0.0.1'), timeoutMs: 30_000, onOutput: () => {} });
    await expect(unknown).rejects.toBeInstanceOf(SourceFetchError);
  });

  it('the git endpoint answers like Gitea: challenge without credentials, 401 for bad ones, 404 for unknown repositories', async () => {
    const anonymous = await infoRefs(APP);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Basic realm="Gitea"');

    // Basic credentials Gitea does not accept fail its auth middleware, public repository or not.
    for (const repository of [APP, SITE]) {
      const refused = await infoRefs(repository, basic('oauth2', UNKNOWN_TOKEN));
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toBeNull();
    }

    expect((await infoRefs(SITE)).status).toBe(200); // public pulls need no credentials
    expect((await infoRefs(APP, basic('anyone', TOKEN))).status).toBe(200); // any username with the token
    expect((await infoRefs(APP, basic(TOKEN, 'x-oauth-basic'))).status).toBe(200); // or the token as the username

    const missing = await infoRefs('acme/nope', basic('oauth2', TOKEN));
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('Repository not found');
    expect((await infoRefs('acme/nope')).status).toBe(401); // anonymous: Gitea asks for credentials first

    fake.setTokenScopes(TOKEN, ['read:user']);
    expect((await infoRefs(APP, basic('oauth2', TOKEN))).status).toBe(403);
  });
});

describe('Gitea source: setCommitStatus', () => {
  const statuses: [CommitStatus['state'], string][] = [
    ['PENDING', 'pending'],
    ['SUCCESS', 'success'],
    ['FAILURE', 'failure'],
    ['ERROR', 'error'],
  ];

  it('posts each state in Gitea’s vocabulary', async () => {
    const gitea = adapter();
    for (const [state] of statuses) {
      await gitea.setCommitStatus(APP, second, { state, context: 'forgegraph/deploy', description: `Deployment ${state.toLowerCase()}`, targetUrl: 'https://deploy.example.com/d/1' });
    }
    const recordedStatuses = fake.commitStatuses(APP, second);
    expect(recordedStatuses.map((s) => [s.state, s.context, s.description, s.targetUrl, s.creator])).toEqual(
      statuses.map(([state, gitea]) => [gitea, 'forgegraph/deploy', `Deployment ${state.toLowerCase()}`, 'https://deploy.example.com/d/1', 'forgegraph-bot']),
    );
    expect(recordedStatuses.map((s) => s.id)).toEqual([1, 2, 3, 4]);
  });

  it('sends the documented JSON body, without target_url when there is none', async () => {
    const { requests } = await recorded(() => adapter().setCommitStatus(APP, first, { state: 'SUCCESS', context: 'ci', description: 'Built', targetUrl: null }));
    expect(requests.map((r) => `${r.method} ${r.url.pathname}`)).toEqual([`POST /api/v1/repos/${APP}/statuses/${first}`]);
    expect(String(requests[0]!.headers['content-type'])).toContain('application/json');
    expect(JSON.parse(requests[0]!.body)).toEqual({ state: 'success', context: 'ci', description: 'Built' });
    expect(fake.commitStatuses(APP, first)).toMatchObject([{ state: 'success', targetUrl: '' }]);
  });

  it('a short sha is stored against the full commit', async () => {
    await adapter().setCommitStatus(APP, feature.slice(0, 12), { state: 'PENDING', context: 'ci', description: 'Queued', targetUrl: null });
    expect(fake.commitStatuses(APP, feature)).toHaveLength(1);
  });

  it('is ForgeNotFoundError for an unknown repository or commit, and for a sha that is not one', async () => {
    const gitea = adapter();
    const status: CommitStatus = { state: 'SUCCESS', context: 'ci', description: 'ok', targetUrl: null };
    await failure(gitea.setCommitStatus('acme/nope', second, status), ForgeNotFoundError);
    const { lines } = await recorded(() => failure(gitea.setCommitStatus(APP, 'f'.repeat(40), status), ForgeNotFoundError));
    // Gitea answers 500 for a commit that does not exist; the adapter asks for the commit to tell.
    expect(lines).toEqual([`POST /api/v1/repos/${APP}/statuses/${'f'.repeat(40)}`, `GET /api/v1/repos/${APP}/git/commits/${'f'.repeat(40)}?stat=false&verification=false&files=false`]);
    const { requests } = await recorded(() => failure(gitea.setCommitStatus(APP, 'main', status), ForgeNotFoundError));
    expect(requests).toHaveLength(0);
    expect(fake.commitStatuses(APP)).toHaveLength(0);
  });

  it('403 without write permission on the repository, or without the write:repository scope', async () => {
    const status: CommitStatus = { state: 'SUCCESS', context: 'ci', description: 'ok', targetUrl: null };
    const readable = fake.data.repositories.find((r) => r.owner.login === 'stranger' && !r.isPrivate)!;
    const noWrite = await failure(adapter().setCommitStatus(`stranger/${readable.name}`, readable.branches[0]!.sha, status), ForgeAuthFailedError);
    expect(noWrite.message).toMatch(/HTTP 403/);

    fake.setTokenScopes(TOKEN, ['read:repository', 'read:user']);
    const scope = await failure(adapter().setCommitStatus(APP, second, status), ForgeAuthFailedError);
    expect(scope.message).toContain('write:repository');
    expect(fake.commitStatuses(APP)).toHaveLength(0);
  });

  it('401 for an expired token, for public and private repositories', async () => {
    fake.expireToken(EXPIRED_TOKEN);
    const status: CommitStatus = { state: 'FAILURE', context: 'ci', description: 'no', targetUrl: null };
    await failure(adapter({ accessToken: EXPIRED_TOKEN }).setCommitStatus(SITE, siteHead, status), ForgeAuthFailedError);
    await failure(adapter({ accessToken: EXPIRED_TOKEN }).setCommitStatus(APP, second, status), ForgeAuthFailedError);
    expect(fake.commitStatuses(APP)).toHaveLength(0);
  });

  it('a server error on an existing commit stays a server error', async () => {
    fake.failNext(1, { status: 500, body: { message: '', url: `${fake.url}/api/swagger` } });
    const error = await failure(adapter().setCommitStatus(APP, second, { state: 'SUCCESS', context: 'ci', description: 'ok', targetUrl: null }), ForgeUnreachableError);
    expect(error.message).toMatch(/HTTP 500/);
  });

  it('the fake validates the body as Gitea does', async () => {
    const post = (body: string, contentType?: string) =>
      fetch(`${fake.url}/api/v1/repos/${APP}/statuses/${second}`, {
        method: 'POST',
        headers: { authorization: `token ${TOKEN}`, ...(contentType ? { 'content-type': contentType } : {}) },
        body,
      });
    expect((await post('{"state": 1}', 'application/json')).status).toBe(422);
    expect((await post('[]', 'application/json')).status).toBe(422);
    expect((await post('{"state":"success"}')).status).toBe(422); // no Content-Type
    // Gitea stores states outside its enum, but not past the 7-character column.
    expect((await post('{"state":"unknown-state"}', 'application/json')).status).toBe(500);
    const created = await post('{"State":"success","context":" ci ","target_url":"https://x.example"}', 'application/json');
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ id: 1, status: 'success', context: 'ci', target_url: 'https://x.example', creator: { login: 'forgegraph-bot' } });
  });
});
