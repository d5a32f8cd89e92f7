import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { SourceFetchError } from '../../src/deployments/source-fetch.js';
import { ForgeAuthFailedError, ForgeError, ForgeMisconfiguredError, ForgeNotFoundError } from '../../src/providers/errors.js';
import { createGitLabAdapter } from '../../src/providers/gitlab/adapter.js';
import { cloneUrlOnForge } from '../../src/providers/gitlab/clone-url.js';
import type { ForgeHttp } from '../../src/providers/http/forge-http.js';
import { staticTokenSource, type GitLabAdapterSettings } from '../../src/providers/settings.js';
import type { CommitStatus, ForgeAdapter } from '../../src/providers/types.js';
import { basicCredentials } from '../fakes/git/http-backend.js';
import type { TestGitRepository } from '../fakes/git/repository.js';
import type { FakeProject } from '../fakes/gitlab/data.js';
import { FakeGitLab, OAUTH_TOKEN_LIFETIME_SECONDS } from '../fakes/gitlab/fake-gitlab.js';
import { checkoutHead, Checkouts, expectSecretFreeFailure } from '../support/checkouts.js';
import { testForgeHttp } from '../support/forge-http.js';

// Unique values that must never show up in an error, a checkout or git's output.
const SECRET = `gloas-canary-${randomUUID()}`;
const OTHER_SECRET = `gloas-canary-other-${randomUUID()}`;
const SECRETS = [SECRET, OTHER_SECRET];

const EXTERNAL_URL = 'https://gitlab.example.com';
const REPO = 'acme/web';

let fake: FakeGitLab;
let http: ForgeHttp;
let repo: TestGitRepository;
let project: FakeProject;
/** main: first → second; feature/login from first; tag v1.0.0 at first. */
let first: string;
let second: string;
let feature: string;
const checkouts = new Checkouts('gitlab-source');

type SettingsOverrides = Partial<GitLabAdapterSettings> & { accessToken?: string | null };

function adapter({ accessToken = SECRET, ...overrides }: SettingsOverrides = {}): ForgeAdapter {
  // gitlabUrl is the instance's public address (never contacted); calls go to the internal URL, the fake.
  return createGitLabAdapter(
    { type: 'GITLAB', gitlabUrl: EXTERNAL_URL, gitlabInternalUrl: fake.url, tokens: staticTokenSource(accessToken), groupName: null, ...overrides },
    http,
  );
}

/** The typed error a call fails with; no secret anywhere in it, no cause. */
const expectForgeError = <E extends ForgeError>(promise: Promise<unknown>, type: abstract new (...args: never[]) => E) => expectSecretFreeFailure(promise, type, SECRETS);

const gitRequests = () => fake.requests.filter((r) => /\.git\/(info\/refs|git-upload-pack)$/.test(r.url.pathname));
const statusRequests = () => fake.requests.filter((r) => r.method === 'POST' && r.url.pathname.includes('/statuses/'));

beforeAll(async () => {
  fake = await new FakeGitLab({ externalUrl: EXTERNAL_URL }).seed({ repositories: 5 }).start();
  fake.issueToken({ value: SECRET, scopes: ['api'] });
  http = testForgeHttp();

  repo = fake.addGitRepository(REPO);
  first = repo.commit('main', { files: { 'README.md': '# web\n', 'app.txt': 'version one\n' }, message: 'First commit\n\nWith a body.' });
  second = repo.commit('main', { files: { 'app.txt': 'version two\n' }, message: 'Second commit', author: { name: 'Grace Hopper', email: 'grace@example.com' } });
  feature = repo.commit('feature/login', { files: { 'login.txt': 'login form\n' }, message: 'Add login' }, first);
  repo.tag('v1.0.0', first);
  project = fake.world.projectByRef(REPO)!;
});

afterEach(() => {
  fake.reset();
});

afterAll(async () => {
  await fake.stop();
  await http.close();
  checkouts.removeAll();
});

describe('GitLab getRepository', () => {
  test('a project backed by a real repository, by path and by numeric id', async () => {
    const info = await adapter().getRepository(REPO);
    expect(info).toEqual({
      forgeId: String(project.id),
      name: 'Web',
      fullName: REPO,
      owner: 'acme',
      isPrivate: true,
      defaultBranch: 'main',
      // As GitLab reports it: on the instance's external URL.
      cloneUrl: `${EXTERNAL_URL}/${REPO}.git`,
      webUrl: `${EXTERNAL_URL}/${REPO}`,
      updatedAt: project.lastActivityAt,
    });
    expect(fake.requests.map((r) => r.url.pathname)).toEqual(['/api/v4/projects/acme%2Fweb']);
    expect(await adapter().getRepository(String(project.id))).toEqual(info);
  });

  test('an unknown project, one the user cannot see, and no name at all: ForgeNotFoundError', async () => {
    const unknown = await expectForgeError(adapter().getRepository('acme/no-such-project'), ForgeNotFoundError);
    expect(unknown.message).toContain('acme/no-such-project');
    await expectForgeError(adapter().getRepository('outsiders/secret-1'), ForgeNotFoundError);
    await expectForgeError(adapter().getRepository('999999'), ForgeNotFoundError);
    expect(fake.requests).toHaveLength(3);
    await expectForgeError(adapter().getRepository(' / '), ForgeNotFoundError);
    expect(fake.requests).toHaveLength(3);
  });
});

describe('GitLab resolveCommit', () => {
  test('a branch: its head commit, read from the real repository', async () => {
    const commit = await adapter().resolveCommit(REPO, 'main');
    const real = repo.commitInfo(second)!;
    expect(commit).toEqual({ sha: second, message: 'Second commit', authorName: 'Grace Hopper', authorEmail: 'grace@example.com', committedAt: real.committedAt });
    const request = fake.requests[0]!;
    expect(request.url.pathname).toBe('/api/v4/projects/acme%2Fweb/repository/commits/main');
    expect(request.url.searchParams.get('stats')).toBe('false');
  });

  test('a branch name with a slash is one URL-encoded path segment', async () => {
    const commit = await adapter().resolveCommit(REPO, 'feature/login');
    expect(commit.sha).toBe(feature);
    expect(commit.message).toBe('Add login');
    expect(fake.requests[0]!.url.pathname).toBe('/api/v4/projects/acme%2Fweb/repository/commits/feature%2Flogin');
  });

  test('a tag, a full sha and a short sha; the message keeps its body, without the final newline', async () => {
    const byTag = await adapter().resolveCommit(REPO, 'v1.0.0');
    expect(byTag.sha).toBe(first);
    expect(byTag.message).toBe('First commit\n\nWith a body.');
    expect(byTag.authorName).toBe('Ada Lovelace');
    expect(await adapter().resolveCommit(REPO, first)).toEqual(byTag);
    expect((await adapter().resolveCommit(String(project.id), first.slice(0, 8))).sha).toBe(first);
  });

  test('answers follow the repository: a new commit moves the branch', async () => {
    const git = fake.addGitRepository('acme/live');
    const before = git.commit('main', { files: { 'a.txt': 'a\n' }, message: 'one' });
    expect((await adapter().resolveCommit('acme/live', 'main')).sha).toBe(before);
    const after = git.commit('main', { files: { 'a.txt': 'b\n' }, message: 'two' });
    expect((await adapter().resolveCommit('acme/live', 'main')).sha).toBe(after);
    // The branch listing reads the same repository.
    const { items } = await adapter().listBranches('acme/live', { offset: 0, limit: 10 });
    expect(items).toEqual([{ name: 'main', commitSha: after, isProtected: true, isDefault: true }]);
  });

  test('branch listing of a git-backed project: the real branches and heads', async () => {
    const { items } = await adapter().listBranches(REPO, { offset: 0, limit: 10 });
    expect(items.map((b) => [b.name, b.commitSha])).toEqual([
      ['feature/login', feature],
      ['main', second],
    ]);
  });

  test('an unknown ref or sha: ForgeNotFoundError naming it (404 Commit Not Found); an unknown project names the project', async () => {
    const unknownRef = await expectForgeError(adapter().resolveCommit(REPO, 'no-such-branch'), ForgeNotFoundError);
    expect(unknownRef.message).toContain('"no-such-branch"');
    await expectForgeError(adapter().resolveCommit(REPO, '0'.repeat(40)), ForgeNotFoundError);
    const unknownProject = await expectForgeError(adapter().resolveCommit('acme/nope', 'main'), ForgeNotFoundError);
    expect(unknownProject.message).toContain('"acme/nope" does not exist');
    expect(fake.requests).toHaveLength(3);
    await expectForgeError(adapter().resolveCommit(REPO, '  '), ForgeNotFoundError);
    expect(fake.requests).toHaveLength(3);
  });
});

describe('GitLab sourceAccess and a real fetch', () => {
  test('the clone URL moves from the external URL to the internal one; the credentials are oauth2 and the token', async () => {
    const access = await adapter().sourceAccess(REPO);
    expect(access).toEqual({ cloneUrl: `${fake.url}/${REPO}.git`, username: 'oauth2', password: SECRET });
    expect(fake.requests.map((r) => r.url.pathname)).toEqual(['/api/v4/projects/acme%2Fweb']);
  });

  test('fetchSource checks out exactly the resolved commit (not the branch head), and the token stays out of the checkout', async () => {
    const gitlab = adapter();
    const commit = await gitlab.resolveCommit(REPO, 'v1.0.0');
    const access = await gitlab.sourceAccess(REPO);
    fake.reset();
    const { directory, output } = await checkouts.fetchInto(access, commit.sha, 'v1.0.0');

    expect(checkoutHead(directory)).toBe(first);
    expect(readFileSync(path.join(directory, 'app.txt'), 'utf8')).toBe('version one\n');
    const config = readFileSync(path.join(directory, '.git', 'config'), 'utf8');
    for (const secret of [SECRET, 'oauth2', Buffer.from(`oauth2:${SECRET}`).toString('base64')]) {
      expect(config).not.toContain(secret);
      expect(output).not.toContain(secret);
    }
    // Every git request went to the project's path on the fake, with the token as the Basic password.
    const requests = gitRequests();
    expect(requests.length).toBeGreaterThanOrEqual(2);
    for (const request of requests) {
      expect(request.url.pathname.startsWith(`/${REPO}.git/`)).toBe(true);
      expect(basicCredentials(request)).toEqual({ username: 'oauth2', password: SECRET });
    }
  });

  test('a branch that moved on still gives the commit that was resolved', async () => {
    const gitlab = adapter();
    const commit = await gitlab.resolveCommit(REPO, 'feature/login');
    repo.commit('feature/login', { files: { 'login.txt': 'changed later\n' }, message: 'Later' });
    const { directory } = await checkouts.fetchInto(await gitlab.sourceAccess(REPO), commit.sha, 'feature/login');
    expect(checkoutHead(directory)).toBe(feature);
    expect(readFileSync(path.join(directory, 'login.txt'), 'utf8')).toBe('login form\n');
  });

  test('a wrong token: the git endpoint answers 401 with a Basic challenge and the fetch fails', async () => {
    const access = await adapter().sourceAccess(REPO);
    fake.reset();
    await expect(checkouts.fetchInto({ ...access, password: OTHER_SECRET }, second, 'main')).rejects.toBeInstanceOf(SourceFetchError);
    const refs = gitRequests().find((r) => r.url.pathname.endsWith('/info/refs'))!;
    expect(refs).toBeDefined();
    expect(basicCredentials(refs)?.password).toBe(OTHER_SECRET);
  });

  test('an expired and a revoked token are refused by git HTTP as by the API', async () => {
    for (const spoil of ['expire', 'revoke'] as const) {
      const token = fake.issueToken({ value: OTHER_SECRET });
      const access = await adapter({ accessToken: token }).sourceAccess(REPO);
      let shifted = 0;
      if (spoil === 'expire') {
        shifted = OAUTH_TOKEN_LIFETIME_SECONDS * 1000 + 1000;
        fake.advanceClock(shifted);
      } else {
        fake.revokeToken(token);
      }
      try {
        await expect(checkouts.fetchInto(access, second, 'main')).rejects.toBeInstanceOf(SourceFetchError);
      } finally {
        fake.advanceClock(-shifted);
        fake.tokens.delete(token);
      }
    }
  });

  test('what the fake answers git like GitLab does: 401 challenges, 403 without a repository scope, 404 for a project out of sight', async () => {
    const infoRefs = (fullPath: string, authorization?: string) =>
      fetch(`${fake.url}/${fullPath}.git/info/refs?service=git-upload-pack`, { headers: authorization ? { authorization } : {} });
    const basic = (password: string) => `Basic ${Buffer.from(`oauth2:${password}`).toString('base64')}`;

    const anonymous = await infoRefs(REPO);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Basic realm="GitLab"');
    // Anonymous callers cannot tell a missing project from a private one.
    expect((await infoRefs('acme/no-such-project')).status).toBe(401);
    expect((await infoRefs(REPO, basic('not-a-token'))).status).toBe(401);

    const ok = await infoRefs(REPO, basic(SECRET));
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('application/x-git-upload-pack-advertisement');

    const missing = await infoRefs('acme/no-such-project', basic(SECRET));
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('could not be found');

    const userOnly = fake.issueToken({ value: OTHER_SECRET, scopes: ['read_user'] });
    const noScope = await infoRefs(REPO, basic(userOnly));
    expect(noScope.status).toBe(403);
    expect(await noScope.text()).toBe('You are not allowed to download code.');
    fake.tokens.delete(userOnly);
  });

  test('a project the credentials cannot see: the fetch fails (GitLab answers 404)', async () => {
    const hidden = fake.addGitRepository('outsiders/hidden');
    hidden.commit('main', { files: { 'x.txt': 'x\n' }, message: 'x' });
    await expectForgeError(adapter().sourceAccess('outsiders/hidden'), ForgeNotFoundError);
    const access = await adapter().sourceAccess(REPO);
    fake.reset();
    const elsewhere = { ...access, cloneUrl: `${fake.url}/outsiders/hidden.git` };
    await expect(checkouts.fetchInto(elsewhere, hidden.resolve('main')!, 'main')).rejects.toBeInstanceOf(SourceFetchError);
    expect(gitRequests().every((r) => r.url.pathname.startsWith('/outsiders/hidden.git/'))).toBe(true);
  });

  test('a clone URL on another origin is refused before any credentials go anywhere', async () => {
    // The instance reports https://gitlab.example.com, which is neither the provider's GitLab URL nor its internal URL.
    const other = await expectForgeError(adapter({ gitlabUrl: 'https://git.other.example' }).sourceAccess(REPO), ForgeMisconfiguredError);
    expect(other.field).toBe('gitlabUrl');
    expect(other.message).toContain('https://gitlab.example.com');
    // Without an internal URL, the API host is the fake itself, and the reported clone URL is not on it.
    await expectForgeError(adapter({ gitlabUrl: fake.url, gitlabInternalUrl: null }).sourceAccess(REPO), ForgeMisconfiguredError);
    expect(gitRequests()).toHaveLength(0);
  });

  test('an instance whose external URL is the provider’s URL: the reported clone URL is used as it is', async () => {
    const plain = await new FakeGitLab().start();
    try {
      plain.issueToken({ value: SECRET });
      const git = plain.addGitRepository(`${plain.world.mainUser.username}/tool`);
      const sha = git.commit('main', { files: { 'tool.txt': 'tool\n' }, message: 'tool' });
      const gitlab = createGitLabAdapter(
        { type: 'GITLAB', gitlabUrl: plain.url, gitlabInternalUrl: null, tokens: staticTokenSource(SECRET), groupName: null },
        http,
      );
      const access = await gitlab.sourceAccess(`${plain.world.mainUser.username}/tool`);
      expect(access.cloneUrl).toBe(`${plain.url}/john_smith/tool.git`);
      const { directory } = await checkouts.fetchInto(access, sha, 'main');
      expect(readFileSync(path.join(directory, 'tool.txt'), 'utf8')).toBe('tool\n');
    } finally {
      await plain.stop();
    }
  });

  test('cloneUrlOnForge: origin and path prefix of a relative-URL install are swapped; anything else is refused', () => {
    const config = { host: 'http://10.0.0.5:8080/internal', publicBase: 'https://gitlab.example.com/gitlab', forgeName: 'GitLab (10.0.0.5:8080)' };
    expect(cloneUrlOnForge('https://gitlab.example.com/gitlab/acme/web.git', config)).toBe('http://10.0.0.5:8080/internal/acme/web.git');
    // Already on the internal URL (an instance whose external_url is that one).
    expect(cloneUrlOnForge('http://10.0.0.5:8080/internal/acme/web.git', config)).toBe('http://10.0.0.5:8080/internal/acme/web.git');
    expect(cloneUrlOnForge('https://gitlab.example.com/acme/web.git', { ...config, publicBase: 'https://gitlab.example.com' })).toBe(
      'http://10.0.0.5:8080/internal/acme/web.git',
    );
    for (const refused of [
      'https://gitlab.example.com/acme/web.git', // outside the /gitlab prefix
      'https://gitlab.example.com/gitlabx/acme/web.git',
      'http://gitlab.example.com/gitlab/acme/web.git', // another scheme is another origin
      'https://gitlab.example.com.evil.example/gitlab/acme/web.git',
      'https://gitlab.example.com:8443/gitlab/acme/web.git',
      'https://user:pass@gitlab.example.com/gitlab/acme/web.git',
      'not a url',
    ]) {
      expect(() => cloneUrlOnForge(refused, config), refused).toThrow(ForgeMisconfiguredError);
    }
  });
});

describe('GitLab setCommitStatus', () => {
  const status = (overrides: Partial<CommitStatus> = {}): CommitStatus => ({
    state: 'PENDING',
    context: `forgegraph/${randomUUID().slice(0, 8)}`,
    description: 'Deployment queued',
    targetUrl: 'https://deploy.example.com/deployments/1',
    ...overrides,
  });
  const latest = (sha: string, name: string) => fake.commitStatuses.latest(project, sha).find((s) => s.name === name);

  test('each state in GitLab’s vocabulary, with name, description and target_url, on the branch containing the commit', async () => {
    const expected = { PENDING: 'pending', SUCCESS: 'success', FAILURE: 'failed', ERROR: 'failed' } as const;
    for (const state of ['PENDING', 'SUCCESS', 'FAILURE', 'ERROR'] as const) {
      const posted = status({ state, description: `Deployment ${state.toLowerCase()}` });
      await adapter().setCommitStatus(REPO, second, posted);
      expect(latest(second, posted.context)).toMatchObject({
        status: expected[state],
        description: posted.description,
        targetUrl: posted.targetUrl,
        ref: 'main',
        sha: second,
        userId: fake.world.mainUser.id,
      });
    }
    const requests = statusRequests();
    expect(requests.map((r) => r.url.pathname)).toEqual(Array(4).fill(`/api/v4/projects/acme%2Fweb/statuses/${second}`));
    expect(JSON.parse(requests[0]!.body)).toEqual({
      state: 'pending',
      name: expect.stringMatching(/^forgegraph\//),
      description: 'Deployment pending',
      target_url: 'https://deploy.example.com/deployments/1',
    });
  });

  test('a deployment’s life on one status: pending (twice), success, then a new pending', async () => {
    const gitlab = adapter();
    const context = 'forgegraph/deploy';
    await gitlab.setCommitStatus(REPO, first, status({ context, description: 'Queued' }));
    const queued = latest(first, context)!;
    expect(queued.status).toBe('pending');

    // GitLab refuses to enqueue a pending status again (400); the status is already what was asked for.
    await gitlab.setCommitStatus(REPO, first, status({ context, description: 'Building' }));
    expect(latest(first, context)).toMatchObject({ id: queued.id, status: 'pending', description: 'Queued' });

    await gitlab.setCommitStatus(REPO, first, status({ context, state: 'SUCCESS', description: 'Deployed', targetUrl: null }));
    const done = latest(first, context)!;
    expect(done).toMatchObject({ id: queued.id, status: 'success', description: 'Deployed', targetUrl: 'https://deploy.example.com/deployments/1' });
    expect(done.finishedAt).not.toBeNull();
    expect(JSON.parse(statusRequests()[2]!.body)).not.toHaveProperty('target_url');

    // A finished status is not updated: a redeploy is a new status that replaces it.
    await gitlab.setCommitStatus(REPO, first, status({ context, description: 'Redeploying' }));
    const again = latest(first, context)!;
    expect(again.id).not.toBe(queued.id);
    expect(again.status).toBe('pending');
    expect(fake.commitStatuses.all.filter((s) => s.name === context && s.sha === first).map((s) => [s.status, s.retried])).toEqual([
      ['success', true],
      ['pending', false],
    ]);
  });

  test('an unknown project, an unknown commit, a commit on no branch: ForgeNotFoundError saying which', async () => {
    const noProject = await expectForgeError(adapter().setCommitStatus('acme/nope', second, status()), ForgeNotFoundError);
    expect(noProject.message).toContain('"acme/nope" does not exist');
    const noCommit = await expectForgeError(adapter().setCommitStatus(REPO, 'f'.repeat(40), status()), ForgeNotFoundError);
    expect(noCommit.message).toContain(`no commit ${'f'.repeat(40)}`);

    const loose = repo.commit('scratch', { files: { 'scratch.txt': 'x\n' }, message: 'scratch' }, second);
    repo.tag('loose', loose);
    execFileSync('git', ['--git-dir', repo.path, 'update-ref', '-d', 'refs/heads/scratch']);
    const noBranch = await expectForgeError(adapter().setCommitStatus(REPO, loose, status()), ForgeNotFoundError);
    expect(noBranch.message).toMatch(/No branch .* contains commit/);
    expect(statusRequests()).toHaveLength(3);
  });

  test('no permission: ForgeAuthFailedError (403 for a visible project the user is not a developer of, 403 insufficient_scope for read_api)', async () => {
    const open = fake.addGitRepository('outsiders/open-tool', { visibility: 'public' });
    const sha = open.commit('main', { files: { 'a.txt': 'a\n' }, message: 'a' });
    expect((await adapter().resolveCommit('outsiders/open-tool', 'main')).sha).toBe(sha);
    const forbidden = await expectForgeError(adapter().setCommitStatus('outsiders/open-tool', sha, status()), ForgeAuthFailedError);
    expect(forbidden.message).toContain('403');
    expect(fake.commitStatuses.latest(fake.world.projectByRef('outsiders/open-tool')!, sha)).toEqual([]);

    const readOnly = fake.issueToken({ value: OTHER_SECRET, scopes: ['read_api', 'read_repository'] });
    try {
      // The same token reads the commit and fetches the source, but cannot post a status.
      expect((await adapter({ accessToken: readOnly }).resolveCommit(REPO, 'main')).sha).toBe(second);
      const scope = await expectForgeError(adapter({ accessToken: readOnly }).setCommitStatus(REPO, second, status()), ForgeAuthFailedError);
      expect(scope.message).toContain('(api)');
    } finally {
      fake.tokens.delete(readOnly);
    }
  });

  test('an expired token: ForgeAuthFailedError; a target URL GitLab refuses: ForgeMisconfiguredError with its validation message', async () => {
    const token = fake.issueToken({ value: OTHER_SECRET });
    fake.advanceClock(OAUTH_TOKEN_LIFETIME_SECONDS * 1000 + 1000);
    try {
      const expired = await expectForgeError(adapter({ accessToken: token }).setCommitStatus(REPO, second, status()), ForgeAuthFailedError);
      expect(expired.message).toMatch(/expired/);
    } finally {
      fake.advanceClock(-(OAUTH_TOKEN_LIFETIME_SECONDS * 1000 + 1000));
      fake.tokens.delete(token);
    }
    const tooLong = await expectForgeError(
      adapter().setCommitStatus(REPO, second, status({ targetUrl: `https://deploy.example.com/${'x'.repeat(260)}` })),
      ForgeMisconfiguredError,
    );
    expect(tooLong.message).toContain('400');
    expect(tooLong.message).toContain('too long');
  });

  test('the fake validates state as Grape does', async () => {
    const post = (body: unknown) =>
      fetch(`${fake.url}/api/v4/projects/${project.id}/statuses/${second}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const invalid = await post({ state: 'error', name: 'x' });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toEqual({ error: 'state does not have a valid value' });
    const missing = await post({ name: 'x' });
    expect(await missing.json()).toEqual({ error: 'state is missing' });
    const running = await post({ state: 'running', name: 'fake-check' });
    expect(running.status).toBe(201);
    const twice = await post({ state: 'running', name: 'fake-check' });
    expect(twice.status).toBe(400);
    expect(((await twice.json()) as { message: string }).message).toMatch(/^Cannot transition status via :run from :running/);
  });
});
