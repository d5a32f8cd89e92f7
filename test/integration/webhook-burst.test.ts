import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { providerWebhookSecret } from '../../src/webhooks/webhook-secret.js';
import type { TestGitRepository } from '../fakes/git/repository.js';
import { FakeGitLab } from '../fakes/gitlab/fake-gitlab.js';
import { testDatabaseKind } from '../support/database.js';
import { createApplication } from '../support/deployments.js';
import { startHarness, type Harness } from '../support/harness.js';
import { createMutation } from '../support/operations.js';
import { gitLabPush, pushedCommits } from '../support/webhook-payloads.js';
import { deliveryRequest, rawId, waitForDeliveries, type Delivery } from '../support/webhooks.js';

// 2,000 deliveries at once to one GitLab provider: a quarter forged (wrong token), a tenth of the genuine ones sent
// twice. Every genuine delivery must be recorded once, no forged one acted on, no deployment started twice.

const TOTAL = 2_000;
const FORGED = TOTAL / 4;
const DUPLICATES = 150;
const GENUINE = TOTAL - FORGED - DUPLICATES;
const DEPLOYING = 20;

const TOKEN = `glpat-burst-${randomUUID()}`;
const gitlab = new FakeGitLab({ externalUrl: 'https://gitlab.example.com' });
let h: Harness;
let providerId: string;
let secret: string;
let git: TestGitRepository;
const heads: { before: string; after: string }[] = [];

beforeAll(async () => {
  if (testDatabaseKind !== 'postgres') return;
  await gitlab.seed({ repositories: 1 }).start();
  gitlab.issueToken({ value: TOKEN, scopes: ['api', 'read_repository', 'read_user'] });
  git = gitlab.addGitRepository('acme/web');
  let before = git.commit('main', { files: { 'README.md': 'burst\n' }, message: 'Initial commit' });
  for (let i = 0; i < DEPLOYING; i += 1) {
    const after = git.commit('main', { files: { 'src/app.js': `v${i}\n` }, message: `Change ${i}` });
    heads.push({ before, after });
    before = after;
  }
  // Long polling would make the processing time depend on when a worker happens to wake.
  h = await startHarness({ deployments: { pollingIntervalSeconds: 0.5 } });
  const key = await h.apiKey('Acme', 'owner@acme.test');
  const res = await h.graphql(createMutation('GitLab'), { input: { name: 'GitLab', gitlabUrl: 'https://gitlab.example.com', gitlabInternalUrl: gitlab.url, accessToken: TOKEN } }, key);
  providerId = rawId(res.data.createGitLabProvider.gitProvider.id);
  await createApplication(h, key, { name: 'burst', gitProviderId: res.data.createGitLabProvider.gitProvider.id, repository: 'acme/web', branch: 'main' });
  secret = (await providerWebhookSecret({ db: h.database.prisma, secrets: h.secrets }, { id: providerId, providerType: 'GITLAB' }))!;
}, 120_000);

afterAll(async () => {
  await h?.close();
  await gitlab.stop();
});

// On the embedded PGlite every query waits its turn (it is the single-user default); the burst runs on PostgreSQL.
describe.runIf(testDatabaseKind === 'postgres')('a burst of deliveries', () => {
  test(`${TOTAL} at once: ${GENUINE} genuine (${DEPLOYING} deploying), ${DUPLICATES} sent again, ${FORGED} forged`, async () => {
    const genuine: Delivery[] = Array.from({ length: GENUINE }, (_, i) => {
      const deploying = i < DEPLOYING;
      const { before, after } = deploying ? heads[i]! : heads[0]!;
      const ref = deploying ? 'refs/heads/main' : `refs/heads/noise-${i}`;
      return { forge: 'GitLab', event: 'Push Hook', providerId, secret, deliveryId: randomUUID(), payload: gitLabPush({ repository: 'acme/web', ref, before, after, commits: pushedCommits(git, before, after) }) };
    });
    const again = genuine.slice(0, DUPLICATES).map((d) => ({ ...d }));
    // Forged deliveries claim pushes to the deployed branch, some under real delivery ids.
    const forged: Delivery[] = Array.from({ length: FORGED }, (_, i) => ({
      ...genuine[i % DEPLOYING]!,
      deliveryId: i % 2 === 0 ? genuine[i % DEPLOYING]!.deliveryId : randomUUID(),
      secret: `forged-${i}`,
    }));
    const all = [...genuine, ...again, ...forged].sort(() => Math.random() - 0.5);
    const requests = await Promise.all(all.map((d) => deliveryRequest(d)));

    const started = performance.now();
    const latencies: number[] = [];
    const statuses = await Promise.all(
      requests.map(async ({ path, init }) => {
        const t0 = performance.now();
        const response = await h.yoga.fetch(`http://forgegraph.test${path}`, init);
        await response.text();
        latencies.push(performance.now() - t0);
        return response.status;
      }),
    );
    const acknowledgedMs = performance.now() - started;
    await waitForDeliveries(h, providerId, 300_000);
    const processedMs = performance.now() - started;

    const count = (status: number) => statuses.filter((s) => s === status).length;
    expect(count(401)).toBe(FORGED);
    expect(count(202) + count(200)).toBe(GENUINE + DUPLICATES);
    expect(count(200)).toBe(DUPLICATES);

    const db = h.database.prisma;
    const rows = await db.webhookDelivery.findMany({ where: { gitProviderId: providerId }, select: { id: true, deliveryId: true, signatureValid: true, outcome: true, repeats: true } });
    const valid = rows.filter((r) => r.signatureValid);
    expect(valid).toHaveLength(GENUINE);
    expect(new Set(valid.map((r) => r.deliveryId)).size).toBe(GENUINE);
    expect(new Set(valid.map((r) => r.deliveryId))).toEqual(new Set(genuine.map((d) => d.deliveryId)));
    expect(valid.reduce((sum, r) => sum + r.repeats, 0)).toBe(DUPLICATES);
    expect(valid.every((r) => r.outcome === 'PROCESSED' || r.outcome === 'IGNORED')).toBe(true);
    const rejected = rows.filter((r) => !r.signatureValid);
    expect(rejected).toHaveLength(FORGED);
    expect(rejected.every((r) => r.outcome === 'REJECTED' && r.deliveryId === null)).toBe(true);

    const deployments = await db.deployment.findMany({ where: { webhookDeliveryId: { not: null } }, select: { webhookDeliveryId: true, commitSha: true } });
    expect(deployments).toHaveLength(DEPLOYING);
    expect(new Set(deployments.map((d) => d.webhookDeliveryId)).size).toBe(DEPLOYING);
    const rejectedIds = new Set(rejected.map((r) => r.id));
    expect(deployments.some((d) => rejectedIds.has(d.webhookDeliveryId!))).toBe(false);
    expect(new Set(deployments.map((d) => d.commitSha))).toEqual(new Set(heads.map((x) => x.after)));

    latencies.sort((a, b) => a - b);
    const at = (q: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!);
    console.log(
      `[burst ${testDatabaseKind}] ${TOTAL} deliveries acknowledged in ${Math.round(acknowledgedMs)} ms (latency p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms); ` +
        `all processed ${Math.round(processedMs)} ms after the first was sent; ${valid.length} recorded once, ${rejected.length} rejected, ${DUPLICATES} repeats, ${deployments.length} deployments`,
    );
  }, 400_000);
});
