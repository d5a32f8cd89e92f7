import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TestGitRepository } from '../fakes/git/repository.js';
import { FakeGitLab } from '../fakes/gitlab/fake-gitlab.js';
import { CANCEL, CREATE_APPLICATION, createApplication, deploy, DEPLOY, waitForDeployment } from '../support/deployments.js';
import { startHarness, type Harness } from '../support/harness.js';
import { createMutation } from '../support/operations.js';

// A token that must never reach a log, a checkout, a build or a response.
const TOKEN = `glpat-canary-${randomUUID()}`;
const gitlab = new FakeGitLab({ externalUrl: 'https://gitlab.example.com' });
let h: Harness;
let owner: string;
let member: string;
let providerId: string;
let repo: TestGitRepository;
let main1: string;
let main2: string;

const gql = async (query: string, variables: Record<string, unknown> = {}, apiKey = owner) => {
  const res = await h.graphql(query, variables, apiKey);
  expect(res.text).not.toContain(TOKEN);
  return res;
};

const statusesOf = (sha: string) => gitlab.commitStatuses.all.filter((s) => s.sha === sha);

beforeAll(async () => {
  await gitlab.seed({ repositories: 1 }).start();
  gitlab.issueToken({ value: TOKEN, scopes: ['api', 'read_repository', 'read_user'] });
  repo = gitlab.addGitRepository('acme/web');
  main1 = repo.commit('main', { files: { 'package.json': '{"name":"web"}\n', 'build.sh': 'echo building $FORGEGRAPH_COMMIT_SHA\n' }, message: 'Initial commit' });
  main2 = repo.commit('main', { files: { 'src/index.js': 'console.log("hello")\n' }, message: 'Add the app\n\nWith a body.' });
  repo.tag('v1.0.0', main1);
  repo.commit('feature/slow', { files: { 'slow.txt': 'slow\n' }, message: 'A slow branch' }, 'main');
  h = await startHarness({ deployments: { buildTimeoutMs: 4_000 } });
  owner = await h.apiKey('Acme', 'owner@acme.test');
  member = await h.apiKey('Acme', 'member@acme.test', 'MEMBER');
  const res = await gql(createMutation('GitLab'), { input: { name: 'GitLab', gitlabUrl: 'https://gitlab.example.com', gitlabInternalUrl: gitlab.url, accessToken: TOKEN } });
  providerId = res.data.createGitLabProvider.gitProvider.id;
}, 60_000);

afterAll(async () => {
  await h?.close();
  await gitlab.stop();
});

describe('applications', () => {
  test('creating one checks the repository and branch at the forge', async () => {
    const base = { name: 'checks', gitProviderId: providerId, repository: 'acme/web', branch: 'main' };
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ repository: 'acme/nope' }, 'repository', /acme\/nope.*not found/],
      [{ branch: 'does-not-exist' }, 'branch', /does-not-exist.*not found/],
      [{ branch: 'bad..ref' }, 'branch', /not a valid git ref/],
      [{ watchPaths: ['src/[unclosed'] }, 'watchPaths', /not a valid glob/],
      [{ name: '   ' }, 'name', /blank/],
    ];
    for (const [change, field, message] of cases) {
      const res = await gql(CREATE_APPLICATION, { input: { ...base, ...change } });
      expect(res.data.createApplication).toMatchObject({ __typename: 'ValidationError', field });
      expect(res.data.createApplication.message).toMatch(message);
    }
    expect(await h.db.application.count()).toBe(0);

    const res = await gql(CREATE_APPLICATION, { input: { ...base, watchPaths: ['src/**', '!**/*.md'], triggerType: 'TAG', previews: true } });
    expect(res.data.createApplication.application).toMatchObject({
      name: 'checks',
      repository: 'acme/web',
      branch: 'main',
      autoDeploy: true,
      triggerType: 'TAG',
      watchPaths: ['src/**', '!**/*.md'],
      previews: true,
      canDeploy: true,
      gitProvider: { id: providerId },
    });
    const again = await gql(CREATE_APPLICATION, { input: base });
    expect(again.data.createApplication).toMatchObject({ __typename: 'ValidationError', field: 'name' });
  });

  test('a member cannot attach another member’s private provider', async () => {
    const res = await gql(CREATE_APPLICATION, { input: { name: 'sneaky', gitProviderId: providerId, repository: 'acme/web', branch: 'main' } }, member);
    expect(res.data.createApplication.__typename).toBe('NotFoundError');
  });
});

describe('deployments', () => {
  test('a deployment resolves the branch head, fetches it, builds, and reports pending then success to the forge', async () => {
    const app = await createApplication(h, owner, { name: 'web', gitProviderId: providerId, repository: 'acme/web', branch: 'main', buildCommand: 'sh build.sh && ls src && cat .git/config; env' });
    const queued = await deploy(h, owner, app);
    expect(queued).toMatchObject({ status: 'QUEUED', trigger: 'MANUAL', ref: 'main', commitSha: null });

    const done = await waitForDeployment(h, owner, queued.id);
    expect(done).toMatchObject({ status: 'SUCCEEDED', commitSha: main2, commitMessage: 'Add the app\n\nWith a body.', commitAuthor: 'Ada Lovelace', message: null, attempt: 1 });
    expect(done.log).toContain(`main is at ${main2}: Add the app`);
    expect(done.log).toContain(`building ${main2}`);
    expect(done.log).toContain('index.js');
    expect(done.log).not.toContain(TOKEN);
    expect(done.log).not.toMatch(/extraheader|oauth2/i);
    expect(new Date(done.finishedAt).getTime()).toBeGreaterThanOrEqual(new Date(done.startedAt).getTime());

    const statuses = statusesOf(main2);
    expect(statuses.map((s) => s.status)).toEqual(['success']);
    expect(statuses[0]).toMatchObject({ name: 'forgegraph/deploy', description: 'Deployed' });
    const link = new URL(statuses[0]!.targetUrl!);
    expect(link.origin).toBe('http://forgegraph.test');
    const redirect = await h.yoga.fetch(link.toString(), { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    expect(decodeURIComponent(redirect.headers.get('location')!)).toContain(`deployment(id: "${queued.id}")`);
    const posted = gitlab.requests.filter((r) => r.method === 'POST' && r.url.pathname.endsWith(`/statuses/${main2}`)).map((r) => JSON.parse(r.body || '{}').state ?? new URLSearchParams(r.body).get('state'));
    expect(posted).toEqual(['pending', 'success']);
    expect(readdirSync(h.deploySettings.workspaceRoot)).toEqual([]);
  });

  test('a tag or a commit can be deployed by ref', async () => {
    const app = await createApplication(h, owner, { name: 'by-ref', gitProviderId: providerId, repository: 'acme/web', branch: 'main', buildCommand: 'test ! -e src' });
    const byTag = await waitForDeployment(h, owner, (await deploy(h, owner, app, 'v1.0.0')).id);
    expect(byTag).toMatchObject({ status: 'SUCCEEDED', ref: 'v1.0.0', commitSha: main1 });
    const bySha = await waitForDeployment(h, owner, (await deploy(h, owner, app, main1)).id);
    expect(bySha).toMatchObject({ status: 'SUCCEEDED', commitSha: main1 });
    const unknown = await waitForDeployment(h, owner, (await deploy(h, owner, app, 'no-such-ref')).id);
    expect(unknown.status).toBe('FAILED');
    expect(unknown.message).toMatch(/GitLab project "acme\/web" .* has no branch, tag or commit "no-such-ref"/);
  });

  test('a failing build ends FAILED, says why, and reports failure to the forge', async () => {
    const app = await createApplication(h, owner, { name: 'broken', gitProviderId: providerId, repository: 'acme/web', branch: 'main', buildCommand: 'echo compiling; echo "error: it broke" >&2; exit 7' });
    const done = await waitForDeployment(h, owner, (await deploy(h, owner, app)).id);
    expect(done).toMatchObject({ status: 'FAILED', message: 'The build command failed (exit code 7)' });
    expect(done.log).toContain('error: it broke');
    const last = statusesOf(main2).at(-1)!;
    expect(last).toMatchObject({ status: 'failed', description: 'Deployment failed' });
  });

  test('a build over the time limit is stopped and fails', async () => {
    const app = await createApplication(h, owner, { name: 'too-slow', gitProviderId: providerId, repository: 'acme/web', branch: 'main', buildCommand: 'echo start; sleep 30' });
    const done = await waitForDeployment(h, owner, (await deploy(h, owner, app)).id);
    expect(done).toMatchObject({ status: 'FAILED', message: 'The build command ran longer than 4 s and was stopped' });
    expect(done.log).toContain('start');
  });

  test('cancel stops a running build; a queued deployment is cancelled at once', async () => {
    const app = await createApplication(h, owner, { name: 'cancellable', gitProviderId: providerId, repository: 'acme/web', branch: 'main', buildCommand: 'echo started; sleep 30' });
    const running = await deploy(h, owner, app);
    await waitForDeployment(h, owner, running.id, (d) => d.log.includes('started'));
    const queued = await deploy(h, owner, app, 'v1.0.0');
    const cancelledQueued = await gql(CANCEL, { id: queued.id });
    expect(cancelledQueued.data.cancelDeployment.deployment).toMatchObject({ status: 'CANCELLED', message: 'Cancelled before it started' });

    const started = Date.now();
    const res = await gql(CANCEL, { id: running.id });
    expect(res.data.cancelDeployment.deployment).toMatchObject({ status: 'RUNNING', cancelRequested: true });
    const done = await waitForDeployment(h, owner, running.id);
    expect(done).toMatchObject({ status: 'CANCELLED', message: 'Cancelled' });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(statusesOf(main2).at(-1)).toMatchObject({ description: 'Deployment cancelled' });

    const again = await gql(CANCEL, { id: running.id });
    expect(again.data.cancelDeployment).toMatchObject({ __typename: 'ValidationError', message: 'The deployment already ended (CANCELLED)' });
    const unknown = await gql(CANCEL, { id: Buffer.from('Deployment:nope').toString('base64') });
    expect(unknown.data.cancelDeployment.__typename).toBe('NotFoundError');
  });

  test('deployments of one application run one at a time; a newer one supersedes those queued for the same ref', async () => {
    const app = await createApplication(h, owner, { name: 'serial', gitProviderId: providerId, repository: 'acme/web', branch: 'main', buildCommand: 'echo run; sleep 1' });
    const first = await deploy(h, owner, app);
    await waitForDeployment(h, owner, first.id, (d) => d.status === 'RUNNING');
    const second = await deploy(h, owner, app);
    const third = await deploy(h, owner, app);
    const done = await Promise.all([first, second, third].map((d) => waitForDeployment(h, owner, d.id)));
    expect(done.map((d) => d.status)).toEqual(['SUCCEEDED', 'CANCELLED', 'SUCCEEDED']);
    expect(done[1]!.message).toBe('Superseded by a newer deployment of main');
    expect(done[1]!.startedAt).toBeNull();
    expect(new Date(done[2]!.startedAt).getTime()).toBeGreaterThanOrEqual(new Date(done[0]!.finishedAt).getTime());
  });

  test('deployments of different applications run side by side', async () => {
    const apps = await Promise.all(
      ['side-a', 'side-b'].map((name) => createApplication(h, owner, { name, gitProviderId: providerId, repository: 'acme/web', branch: 'main', buildCommand: 'sleep 1' })),
    );
    const deployments = await Promise.all(apps.map((app) => deploy(h, owner, app)));
    const done = await Promise.all(deployments.map((d) => waitForDeployment(h, owner, d.id)));
    const [a, b] = done.map((d) => ({ start: new Date(d.startedAt).getTime(), end: new Date(d.finishedAt).getTime() }));
    expect(a!.start < b!.end && b!.start < a!.end).toBe(true);
  });
});

describe('removing a provider that applications use', () => {
  test('is refused without force; with force the applications are detached, keep their history and cannot deploy', async () => {
    const token = `glpat-second-${randomUUID()}`;
    gitlab.issueToken({ value: token, scopes: ['api', 'read_repository', 'read_user'] });
    const created = await gql(createMutation('GitLab'), { input: { name: 'Second GitLab', gitlabUrl: 'https://gitlab.example.com', gitlabInternalUrl: gitlab.url, accessToken: token } });
    const secondProvider = created.data.createGitLabProvider.gitProvider.id;
    const app = await createApplication(h, owner, { name: 'detachable', gitProviderId: secondProvider, repository: 'acme/web', branch: 'main' });
    const history = await waitForDeployment(h, owner, (await deploy(h, owner, app)).id);
    expect(history.status).toBe('SUCCEEDED');

    const REMOVE = `mutation Remove($id: ID!, $force: Boolean) {
      removeGitProvider(input: { id: $id, force: $force }) {
        __typename
        ... on RemoveGitProviderSuccess { removedId detachedApplications { id name } }
        ... on GitProviderInUseError { message code applications { id name } }
      }
    }`;
    const refused = await gql(REMOVE, { id: secondProvider });
    expect(refused.data.removeGitProvider).toMatchObject({ __typename: 'GitProviderInUseError', code: 'GIT_PROVIDER_IN_USE', applications: [{ id: app, name: 'detachable' }] });
    expect(await h.db.gitProvider.count({ where: { name: 'Second GitLab' } })).toBe(1);

    const forced = await gql(REMOVE, { id: secondProvider, force: true });
    expect(forced.data.removeGitProvider).toMatchObject({ __typename: 'RemoveGitProviderSuccess', detachedApplications: [{ id: app, name: 'detachable' }] });

    const APP = `query App($id: ID!) { application(id: $id) { canDeploy detached detachedAt detachedProviderName gitProvider { id } deployments(first: 10) { totalCount edges { node { id status } } } } }`;
    const detached = await gql(APP, { id: app });
    expect(detached.data.application).toMatchObject({ canDeploy: false, detached: true, detachedProviderName: 'Second GitLab', gitProvider: null, deployments: { totalCount: 1, edges: [{ node: { id: history.id, status: 'SUCCEEDED' } }] } });

    const refusedDeploy = await gql(DEPLOY, { id: app });
    expect(refusedDeploy.data.deployApplication).toMatchObject({ __typename: 'ApplicationDetachedError', code: 'APPLICATION_DETACHED' });

    const UPDATE = `mutation Update($input: UpdateApplicationInput!) { updateApplication(input: $input) { __typename ... on UpdateApplicationSuccess { application { canDeploy detached gitProvider { id } } } ... on Error { message } } }`;
    const attached = await gql(UPDATE, { input: { id: app, gitProviderId: providerId } });
    expect(attached.data.updateApplication.application).toMatchObject({ canDeploy: true, detached: false, gitProvider: { id: providerId } });
    expect((await waitForDeployment(h, owner, (await deploy(h, owner, app)).id)).status).toBe('SUCCEEDED');
  });
});
