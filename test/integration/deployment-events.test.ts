import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FakeGitLab } from '../fakes/gitlab/fake-gitlab.js';
import { testDatabaseKind } from '../support/database.js';
import { createApplication, deploy, waitForDeployment } from '../support/deployments.js';
import { startHarness, type Harness } from '../support/harness.js';
import { createMutation } from '../support/operations.js';
import { listen, subscribe } from '../support/sse.js';

const TOKEN = `glpat-events-${randomUUID()}`;
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const gitlab = new FakeGitLab({ externalUrl: 'https://gitlab.example.com' });
let h: Harness;
let owner: string;
let providerId: string;

const SUBSCRIPTION = `subscription Watch($applicationId: ID!) {
  deploymentUpdated(applicationId: $applicationId) { status sequence logChunk at deployment { id status } }
}`;
type Update = { status: string; sequence: number | null; logChunk: string | null; at: string; deployment: { id: string; status: string } };

beforeAll(async () => {
  await gitlab.seed({ repositories: 1 }).start();
  gitlab.issueToken({ value: TOKEN, scopes: ['api', 'read_repository', 'read_user'] });
  const repo = gitlab.addGitRepository('acme/web');
  repo.commit('main', { files: { 'README.md': 'hello\n' }, message: 'Initial commit' });
  h = await startHarness({ deployments: testDatabaseKind === 'postgres' ? { redisUrl: REDIS_URL } : {} });
  owner = await h.apiKey('Acme', 'owner@acme.test');
  const res = await h.graphql(createMutation('GitLab'), { input: { name: 'GitLab', gitlabUrl: 'https://gitlab.example.com', gitlabInternalUrl: gitlab.url, accessToken: TOKEN } }, owner);
  providerId = res.data.createGitLabProvider.gitProvider.id;
}, 60_000);

afterAll(async () => {
  await h?.close();
  await gitlab.stop();
});

/** Status changes in order, each status once, and log chunks numbered 1, 2, … in between. */
function expectOrdered(updates: Update[], deploymentId: string) {
  const mine = updates.filter((u) => u.deployment.id === deploymentId);
  const statuses = mine.filter((u) => u.logChunk === null).map((u) => u.status);
  expect(statuses).toEqual(['QUEUED', 'RUNNING', 'SUCCEEDED']);
  const chunks = mine.filter((u) => u.logChunk !== null);
  expect(chunks.map((u) => u.sequence)).toEqual(chunks.map((_, i) => i + 1));
  const runningAt = mine.findIndex((u) => u.status === 'RUNNING' && u.logChunk === null);
  const firstChunkAt = mine.findIndex((u) => u.logChunk !== null);
  expect(firstChunkAt).toBeGreaterThan(runningAt);
  return chunks.map((u) => u.logChunk).join('');
}

describe('deploymentUpdated over server-sent events', () => {
  test('emits each status change and log chunk of the application’s deployments, in order', async () => {
    const app = await createApplication(h, owner, { name: 'watched', gitProviderId: providerId, repository: 'acme/web', branch: 'main', buildCommand: 'for i in 1 2 3; do echo step $i; sleep 0.3; done' });
    const server = await listen(h.yoga);
    const subscription = await subscribe<Update>(server.url, owner, SUBSCRIPTION, { applicationId: app }, (data) => data.deploymentUpdated);
    try {
      const deployment = await deploy(h, owner, app);
      const updates = await subscription.until((u) => u.deployment.id === deployment.id && u.status === 'SUCCEEDED' && u.logChunk === null);
      const log = expectOrdered(updates, deployment.id);
      const final = await waitForDeployment(h, owner, deployment.id);
      expect(log).toBe(final.log);
      expect(log).toMatch(/step 1\nstep 2\nstep 3\n/);
    } finally {
      subscription.close();
      await server.close();
    }
  });

  test('a subscription to another organization’s application is refused', async () => {
    const app = await createApplication(h, owner, { name: 'private', gitProviderId: providerId, repository: 'acme/web', branch: 'main' });
    const outsider = await h.apiKey('Other', 'someone@other.test');
    const server = await listen(h.yoga);
    try {
      await expect(subscribe(server.url, outsider, SUBSCRIPTION, { applicationId: app }, (d) => d).then((s) => s.until(() => true, 3_000))).rejects.toThrow(/Application not found/);
    } finally {
      await server.close();
    }
  });
});

describe.runIf(testDatabaseKind === 'postgres')('two instances on one PostgreSQL', () => {
  test('every deployment runs once, whichever instance takes it, and events reach subscribers of either instance through Redis', async () => {
    const second = await startHarness({ database: h.database, secrets: h.secrets, deployments: { redisUrl: REDIS_URL } });
    const dir = mkdtempSync(path.join(tmpdir(), 'two-instances-'));
    const runs = path.join(dir, 'runs.log');
    const server = await listen(second.yoga);
    try {
      const apps = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          createApplication(h, owner, { name: `shared-${i}`, gitProviderId: providerId, repository: 'acme/web', branch: 'main', buildCommand: `echo $FORGEGRAPH_DEPLOYMENT_ID >> ${runs}; sleep 0.2` }),
        ),
      );
      const watched = await subscribe<Update>(server.url, owner, SUBSCRIPTION, { applicationId: apps[0] }, (data) => data.deploymentUpdated);
      const instances = [h, second];
      const deployments = [];
      for (let round = 0; round < 3; round += 1) {
        for (const [i, app] of apps.entries()) deployments.push(await deploy(instances[(i + round) % 2]!, owner, app, round === 0 ? 'main' : `refs/heads/main`));
      }
      const finished = await Promise.all(deployments.map((d) => waitForDeployment(h, owner, d.id, undefined, 60_000)));
      const succeeded = finished.filter((d) => d.status === 'SUCCEEDED').map((d) => Buffer.from(d.id, 'base64').toString('utf8').replace(/^Deployment:/, ''));
      const cancelled = finished.filter((d) => d.status === 'CANCELLED');
      expect(succeeded.length + cancelled.length).toBe(deployments.length);
      cancelled.forEach((d) => expect(d.message).toMatch(/^Superseded/));
      const ran = readFileSync(runs, 'utf8').trim().split('\n');
      expect(ran.sort()).toEqual([...succeeded].sort());

      const firstOfWatched = deployments[0]!;
      const updates = await watched.until((u) => u.deployment.id === firstOfWatched.id && u.status === 'SUCCEEDED' && u.logChunk === null);
      expectOrdered(updates, firstOfWatched.id);
      watched.close();
    } finally {
      await server.close();
      await second.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
