import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createApplication, deploy, waitForDeployment } from '../support/deployments.js';
import { bitbucketFixture, gitHubFixture, gitLabFixture, giteaFixture, type ForgeFixture } from '../support/forge-fixtures.js';
import { startHarness, type Harness } from '../support/harness.js';
import { createMutation } from '../support/operations.js';

// The whole path on each forge: an application on a provider, a deployment that resolves the branch head through
// the forge's API, clones that commit over git's smart HTTP with the provider's credentials, runs the build, and
// posts pending then success (or failure) to the forge's commit-status API.

describe.each([
  ['GitHub', gitHubFixture],
  ['GitLab', gitLabFixture],
  ['Gitea', giteaFixture],
  ['Bitbucket', bitbucketFixture],
])('deploying from %s', (_name, makeFixture) => {
  let fixture: ForgeFixture;
  let h: Harness;
  let key: string;
  let providerId: string;
  let head: string;

  beforeAll(async () => {
    fixture = await makeFixture();
    fixture.git.commit('main', { files: { 'README.md': 'hello\n', 'build.sh': 'echo "built $(cat VERSION)"\n', VERSION: '1.0.0\n' }, message: 'Initial commit' });
    head = fixture.git.commit('main', { files: { VERSION: '1.1.0\n' }, message: 'Release 1.1.0' });
    h = await startHarness({ ...fixture.harness, deployments: {} });
    key = await h.apiKey('Acme', 'owner@acme.test');
    const res = await h.graphql(createMutation(fixture.forge), { input: fixture.providerInput }, key);
    providerId = res.data[`create${fixture.forge}Provider`].gitProvider.id;
  }, 60_000);

  afterAll(async () => {
    await h?.close();
    await fixture?.stop();
  });

  test('a deployment builds the branch head and the forge shows pending, then success', async () => {
    const app = await createApplication(h, key, { name: 'web', gitProviderId: providerId, repository: fixture.repository, branch: 'main', buildCommand: 'sh build.sh' });
    const done = await waitForDeployment(h, key, (await deploy(h, key, app)).id);
    expect(done).toMatchObject({ status: 'SUCCEEDED', commitSha: head, commitMessage: 'Release 1.1.0' });
    expect(done.log).toContain('built 1.1.0');
    expect(done.log).not.toContain(fixture.secret);
    expect(done.log).not.toContain('Could not set the commit status');
    const statuses = fixture.statuses(head);
    expect(statuses.map((s) => s.state)).toEqual([fixture.states.pending, fixture.states.success]);
    for (const status of statuses) {
      expect(status.context).toBe('forgegraph/deploy');
      expect(status.targetUrl).toMatch(/^http:\/\/forgegraph\.test\/deployment\?id=/);
    }
  });

  test('a failing build shows failure on the forge', async () => {
    const sha = fixture.git.commit('main', { files: { VERSION: 'broken\n' }, message: 'Break it' });
    const app = await createApplication(h, key, { name: 'web-broken', gitProviderId: providerId, repository: fixture.repository, branch: 'main', buildCommand: 'grep -q "^1" VERSION' });
    const done = await waitForDeployment(h, key, (await deploy(h, key, app)).id);
    expect(done).toMatchObject({ status: 'FAILED', commitSha: sha });
    expect(fixture.statuses(sha).map((s) => s.state)).toEqual([fixture.states.pending, fixture.states.failure]);
  });
});
