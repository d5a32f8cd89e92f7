import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TestGitRepository } from '../fakes/git/repository.js';
import { FakeGitHub } from '../fakes/github/fake-github.js';
import { createApplication, waitForDeployment } from '../support/deployments.js';
import { startHarness, type Harness } from '../support/harness.js';
import { createMutation } from '../support/operations.js';
import { gitHubInstallation, gitHubPullRequest, gitHubPush, pushedCommits } from '../support/webhook-payloads.js';
import { deliver, rawId, waitForDeliveries } from '../support/webhooks.js';

// What deliveries do, with a GitHub App: pushes deploy (branch, skip keywords, watch paths with the compare API
// when the payload is truncated), tags deploy, pull requests make previews (forks wait for approval), and
// installation events keep the provider's state true. Deliveries are signed as GitHub signs them.

const APP_ID = 52_001;
const INSTALLATION_ID = 61_001;
const SECRET = 'webhook-secret-of-the-app';
const keys = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
const github = new FakeGitHub({ appId: APP_ID, clientId: 'Iv23liWebhooks', publicKey: keys.publicKey, installationId: INSTALLATION_ID, appPermissions: { metadata: 'read', contents: 'read', statuses: 'write' } });
let h: Harness;
let key: string;
let providerId: string;
let git: TestGitRepository;

const send = async (event: string, payload: unknown) => {
  const sent = await deliver(h, { forge: 'GitHub', event, payload, secret: SECRET, appId: APP_ID });
  expect(sent.status).toBe(202);
  await waitForDeliveries(h, rawId(providerId));
  return h.database.prisma.webhookDelivery.findFirstOrThrow({ where: { deliveryId: sent.deliveryId }, include: { deployments: true } });
};
const push = (branch: string, before: string | null, after: string) =>
  send('push', gitHubPush({ repository: 'acme/web', ref: `refs/heads/${branch}`, before, after, installationId: INSTALLATION_ID, commits: pushedCommits(git, before, after) }));

beforeAll(async () => {
  await github.start();
  git = github.addGitRepository('web');
  git.commit('main', { files: { 'README.md': 'web\n', 'src/app.js': 'v1\n' }, message: 'Initial commit' });
  h = await startHarness({ deployments: {} });
  key = await h.apiKey('Acme', 'owner@acme.test');
  const res = await h.graphql(
    createMutation('GitHub'),
    { input: { name: 'GitHub', githubUrl: github.url, githubAppId: APP_ID, githubInstallationId: String(INSTALLATION_ID), githubPrivateKey: keys.privateKey, githubWebhookSecret: SECRET } },
    key,
  );
  providerId = res.data.createGitHubProvider.gitProvider.id;
}, 60_000);

afterAll(async () => {
  await h?.close();
  await github.stop();
});

describe('pushes', () => {
  test('a push to the branch deploys the pushed commit; a push elsewhere does nothing, and the log says why', async () => {
    const app = await createApplication(h, key, { name: 'web', gitProviderId: providerId, repository: 'acme/web', branch: 'main' });
    const before = git.resolve('main')!;
    const after = git.commit('main', { files: { 'src/app.js': 'v2\n' }, message: 'Ship v2' });
    const delivery = await push('main', before, after);
    expect(delivery).toMatchObject({ outcome: 'PROCESSED', message: 'Push to branch main of acme/web deploys web' });
    expect(delivery.deployments).toHaveLength(1);
    expect(delivery.deployments[0]).toMatchObject({ applicationId: rawId(app), trigger: 'PUSH', ref: 'main', commitSha: after, commitMessage: 'Ship v2' });
    const done = await waitForDeployment(h, key, Buffer.from(`Deployment:${delivery.deployments[0]!.id}`).toString('base64'));
    expect(done).toMatchObject({ status: 'SUCCEEDED', commitSha: after });

    const other = git.commit('feature', { files: { 'x.txt': 'x\n' }, message: 'Elsewhere' }, 'main');
    const elsewhere = await push('feature', null, other);
    expect(elsewhere).toMatchObject({ outcome: 'IGNORED', message: 'No application deploys on a push to branch feature of acme/web', deployments: [] });
  });

  test('a skip keyword in the head commit deploys nothing', async () => {
    const before = git.resolve('main')!;
    const after = git.commit('main', { files: { 'README.md': 'docs\n' }, message: 'Tidy the docs [skip ci]' });
    const delivery = await push('main', before, after);
    expect(delivery).toMatchObject({ outcome: 'IGNORED', message: 'Push to branch main of acme/web skipped: the head commit says [skip ci]', deployments: [] });
  });
});

describe('watch paths', () => {
  test('a push deploys only when a changed file matches; past 20 commits the files come from the compare API', async () => {
    const base = git.commit('watched', { files: { 'src/app.js': 'watched\n' }, message: 'Start watched' }, 'main');
    const app = await createApplication(h, key, { name: 'watcher', gitProviderId: providerId, repository: 'acme/web', branch: 'watched', watchPaths: ['src/**', '!**/*.md'] });

    const docsOnly = git.commit('watched', { files: { 'src/README.md': 'docs\n', 'docs/guide.txt': 'guide\n' }, message: 'Docs only' });
    const ignored = await push('watched', base, docsOnly);
    expect(ignored).toMatchObject({ outcome: 'IGNORED', deployments: [] });
    expect(ignored.message).toContain('no changed file matches the watch paths of watcher');

    const code = git.commit('watched', { files: { 'src/app.js': 'changed\n' }, message: 'Change the code' });
    const deployed = await push('watched', docsOnly, code);
    expect(deployed.deployments.map((d) => d.applicationId)).toEqual([rawId(app)]);

    // 25 commits: the one touching src/ is the first, beyond the 20 the payload carries.
    const start = git.resolve('watched')!;
    git.commit('watched', { files: { 'src/lib.js': 'lib\n' }, message: 'Touch src first' });
    for (let i = 0; i < 24; i += 1) git.commit('watched', { files: { [`notes/${i}.txt`]: `${i}\n` }, message: `Note ${i}` });
    const head = git.resolve('watched')!;
    github.reset();
    const truncated = await push('watched', start, head);
    expect(github.requestsTo(new RegExp(`^/repos/acme/web/compare/${start}\\.\\.\\.${head}$`))).not.toHaveLength(0);
    expect(truncated.deployments.map((d) => d.applicationId)).toEqual([rawId(app)]);
  });
});

describe('tags', () => {
  test('a tag push deploys the applications that deploy on tags, at the tag', async () => {
    const app = await createApplication(h, key, { name: 'released', gitProviderId: providerId, repository: 'acme/web', branch: 'main', triggerType: 'TAG' });
    git.commit('main', { files: { 'CHANGELOG.md': '2.0.0\n' }, message: 'Release 2.0.0' });
    const sha = git.tag('v2.0.0', 'main');
    const delivery = await send('push', gitHubPush({ repository: 'acme/web', ref: 'refs/tags/v2.0.0', before: null, after: sha, installationId: INSTALLATION_ID, commits: pushedCommits(git, null, sha) }));
    const tagged = delivery.deployments.filter((d) => d.applicationId === rawId(app));
    expect(delivery.message).toBe('Push to tag v2.0.0 of acme/web deploys released');
    expect(tagged).toHaveLength(1);
    expect(tagged[0]).toMatchObject({ trigger: 'TAG', ref: 'v2.0.0', commitSha: sha });
  });
});

describe('pull requests', () => {
  const PREVIEWS = `query ($id: ID!) { application(id: $id) { pullRequestPreviews { id number state fromFork headSha deployments { id status trigger commitSha } } } }`;
  const previewsOf = async (app: string) => (await h.graphql(PREVIEWS, { id: app }, key)).data.application.pullRequestPreviews as any[];

  test('opened, updated, then closed: a preview deploys each head, and closing removes it', async () => {
    const app = await createApplication(h, key, { name: 'previewed', gitProviderId: providerId, repository: 'acme/web', branch: 'main', previews: true });
    const first = git.commit('login-form', { files: { 'src/login.js': 'v1\n' }, message: 'Login form' }, 'main');
    const pr = (action: 'opened' | 'synchronize' | 'closed', headSha: string) =>
      send('pull_request', gitHubPullRequest({ action, repository: 'acme/web', number: 7, base: 'main', headRef: 'login-form', headSha, author: 'octocat', authorAssociation: 'MEMBER', installationId: INSTALLATION_ID }));

    const opened = await pr('opened', first);
    expect(opened.deployments).toHaveLength(1);
    expect(opened.deployments[0]).toMatchObject({ trigger: 'PREVIEW', commitSha: first, applicationId: rawId(app) });
    const second = git.commit('login-form', { files: { 'src/login.js': 'v2\n' }, message: 'Login form, v2' });
    const updated = await pr('synchronize', second);
    expect(updated.deployments[0]).toMatchObject({ trigger: 'PREVIEW', commitSha: second });
    let previews = await previewsOf(app);
    expect(previews).toHaveLength(1);
    expect(previews[0]).toMatchObject({ number: 7, state: 'OPEN', fromFork: false, headSha: second });
    expect(previews[0].deployments.map((d: any) => d.commitSha)).toEqual([second, first]);

    const closed = await pr('closed', second);
    expect(closed).toMatchObject({ outcome: 'PROCESSED', message: '#7 of acme/web was closed: 1 preview(s) removed' });
    previews = await previewsOf(app);
    expect(previews[0].state).toBe('CLOSED');
    expect(previews[0].deployments.some((d: any) => d.status === 'QUEUED')).toBe(false);
    // A preview deployment still running when the request closed is stopped.
    for (const deployment of previews[0].deployments) expect(['SUCCEEDED', 'CANCELLED']).toContain((await waitForDeployment(h, key, deployment.id)).status);
  });

  test('a request from a fork by an outsider waits for approval; approving deploys it', async () => {
    const app = await createApplication(h, key, { name: 'fork-guarded', gitProviderId: providerId, repository: 'acme/web', branch: 'main', previews: true });
    const head = git.commit('pr-9', { files: { 'src/evil.js': 'curl … | sh\n' }, message: 'Innocent change' }, 'main');
    const delivery = await send(
      'pull_request',
      gitHubPullRequest({ action: 'opened', repository: 'acme/web', number: 9, base: 'main', headRef: 'patch-1', headSha: head, headRepository: 'stranger/web', author: 'stranger', authorAssociation: 'FIRST_TIME_CONTRIBUTOR', installationId: INSTALLATION_ID }),
    );
    expect(delivery.deployments).toEqual([]);
    expect(delivery.message).toContain('#9 of acme/web comes from a fork');
    const [preview] = (await previewsOf(app)).filter((p) => p.number === 9);
    expect(preview).toMatchObject({ state: 'AWAITING_APPROVAL', fromFork: true, deployments: [] });

    const APPROVE = `mutation ($id: ID!) { approvePreviewDeployment(input: { id: $id }) { __typename ... on ApprovePreviewDeploymentSuccess { preview { state deployments { trigger commitSha } } } ... on Error { message } } }`;
    const member = await h.apiKey('Acme', 'member@acme.test', 'MEMBER');
    const approved = await h.graphql(APPROVE, { id: preview.id }, member);
    expect(approved.data.approvePreviewDeployment.preview).toMatchObject({ state: 'OPEN', deployments: [{ trigger: 'PREVIEW', commitSha: head }] });
    const again = await h.graphql(APPROVE, { id: preview.id }, member);
    expect(again.data.approvePreviewDeployment).toMatchObject({ __typename: 'ValidationError', message: 'The preview is already open' });
  });
});

describe('installation events', () => {
  test('deleted marks the provider INSTALLATION_REMOVED; unsuspended makes it CONNECTED again', async () => {
    const state = async () => (await h.database.prisma.gitProvider.findUniqueOrThrow({ where: { id: rawId(providerId) } })).connectionState;
    await send('installation', gitHubInstallation('suspend', INSTALLATION_ID));
    expect(await state()).toBe('INSTALLATION_REMOVED');
    await send('installation', gitHubInstallation('unsuspend', INSTALLATION_ID));
    expect(await state()).toBe('CONNECTED');
    const other = await send('installation', gitHubInstallation('deleted', 99_999));
    expect(other.message).toContain('is not this provider');
    expect(await state()).toBe('CONNECTED');
    await send('installation', gitHubInstallation('deleted', INSTALLATION_ID));
    expect(await state()).toBe('INSTALLATION_REMOVED');
  });
});
