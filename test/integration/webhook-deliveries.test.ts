import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { providerWebhookSecret } from '../../src/webhooks/webhook-secret.js';
import { startHarness, type Harness } from '../support/harness.js';
import { createMutation } from '../support/operations.js';
import { deliver, rawId, waitForDeliveries, type Delivery, type WebhookForge } from '../support/webhooks.js';

// The webhook endpoints' rules, on each forge, through the real route: what is verified over the raw bytes, what
// is refused and recorded, and what is accepted once. What deliveries then do is in webhook-behaviour.test.ts.

const GITHUB_APP_ID = 31_337;
const GITHUB_SECRET = 'It’s a Secret to Everybody, really';
let h: Harness;
let key: string;
const providers: Record<WebhookForge, { id: string; secret: string }> = {} as never;

const PROVIDER_INPUTS: Record<WebhookForge, Record<string, unknown>> = {
  GitHub: { name: 'GitHub', githubAppId: GITHUB_APP_ID, githubInstallationId: '1', githubWebhookSecret: GITHUB_SECRET },
  GitLab: { name: 'GitLab', gitlabUrl: 'https://gitlab.example.com', accessToken: 'glpat-unused' },
  Gitea: { name: 'Gitea', giteaUrl: 'https://gitea.example.com', accessToken: 'gitea-unused' },
  Bitbucket: { name: 'Bitbucket', bitbucketEmail: 'dev@example.com', apiToken: 'ATATT-unused', bitbucketWorkspaceName: 'acme' },
};
/** An event each forge sends, with a small payload of its shape (what it does is not the point here). */
const EVENTS: Record<WebhookForge, string> = { GitHub: 'push', GitLab: 'Push Hook', Gitea: 'push', Bitbucket: 'repo:push' };

beforeAll(async () => {
  h = await startHarness({ deployments: {} });
  key = await h.apiKey('Acme', 'owner@acme.test');
  for (const forge of Object.keys(PROVIDER_INPUTS) as WebhookForge[]) {
    const res = await h.graphql(createMutation(forge), { input: PROVIDER_INPUTS[forge] }, key);
    const id = rawId(res.data[`create${forge}Provider`].gitProvider.id);
    // GitHub's secret is the App's; the others are made by forgegraph and given to the forge when it registers the hook.
    const secret = forge === 'GitHub' ? GITHUB_SECRET : (await providerWebhookSecret({ db: h.database.prisma, secrets: h.secrets }, { id, providerType: forge.toUpperCase() as 'GITLAB' }))!;
    providers[forge] = { id, secret };
  }
}, 60_000);

afterAll(async () => {
  await h?.close();
});

const delivery = (forge: WebhookForge, overrides: Partial<Delivery> = {}): Delivery => ({
  forge,
  event: EVENTS[forge],
  payload: { ref: 'refs/heads/nowhere', note: 'ünïcödé bytes are signed as sent' },
  secret: providers[forge].secret,
  appId: GITHUB_APP_ID,
  providerId: providers[forge].id,
  ...overrides,
});
const rows = (forge: WebhookForge) => h.database.prisma.webhookDelivery.findMany({ where: { gitProviderId: providers[forge].id }, orderBy: { receivedAt: 'asc' } });

describe.each(['GitHub', 'GitLab', 'Gitea', 'Bitbucket'] as const)('%s deliveries', (forge) => {
  test('a signed delivery is accepted (202), stored with its payload, then processed once', async () => {
    const sent = await deliver(h, delivery(forge));
    expect(sent.status).toBe(202);
    await waitForDeliveries(h, providers[forge].id);
    const row = (await rows(forge)).find((r) => r.deliveryId === sent.deliveryId)!;
    expect(row).toMatchObject({ signatureValid: true, event: EVENTS[forge], repeats: 0 });
    expect(['PROCESSED', 'IGNORED']).toContain(row.outcome);
    expect(row.processedAt).not.toBeNull();
  });

  test('the same delivery id again has no second effect: 200, one row, counted as a repeat', async () => {
    const first = await deliver(h, delivery(forge));
    const again = await deliver(h, delivery(forge, { deliveryId: first.deliveryId }));
    expect(again).toMatchObject({ status: 200, body: { message: 'Already received' } });
    const matching = (await rows(forge)).filter((r) => r.deliveryId === first.deliveryId);
    expect(matching).toHaveLength(1);
    expect(matching[0]!.repeats).toBe(1);
  });

  // GitLab sends its secret as a token (X-Gitlab-Token) rather than signing the body, so only the other forges'
  // deliveries can show a body changed on the way.
  const tampered = ['a body changed after signing', { bodyOverride: JSON.stringify({ ref: 'refs/heads/main', note: 'tampered' }) }, 'The signature does not match the webhook secret'] as const;
  test.each([
    ['a wrong secret', { secret: 'not the secret' }, 'The signature does not match the webhook secret'],
    ['no signature', { secret: null }, 'No signature'],
    ...(forge === 'GitLab' ? [] : [tampered]),
  ] as const)('%s is refused with 401 and recorded without the payload', async (_what, change, message) => {
    const before = (await rows(forge)).length;
    const sent = await deliver(h, delivery(forge, change as Partial<Delivery>));
    expect(sent).toMatchObject({ status: 401, body: { message } });
    const added = (await rows(forge)).slice(before);
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({ signatureValid: false, outcome: 'REJECTED', payload: null, deliveryId: null });
    expect(added[0]!.message).toContain(sent.deliveryId);
  });

  test('a forged request reusing a real delivery id neither takes its place nor counts as it', async () => {
    const real = await deliver(h, delivery(forge));
    await deliver(h, delivery(forge, { deliveryId: real.deliveryId, secret: 'forged' }));
    const matching = (await rows(forge)).filter((r) => r.deliveryId === real.deliveryId);
    expect(matching).toHaveLength(1);
    expect(matching[0]).toMatchObject({ signatureValid: true, repeats: 0 });
  });

  test('a signed body that is not JSON answers 400 and is recorded as failed', async () => {
    const sent = await deliver(h, delivery(forge, { payload: '{"ref": "refs/heads/main",' }));
    expect(sent).toMatchObject({ status: 400, body: { message: 'The body is not JSON' } });
    const last = (await rows(forge)).at(-1)!;
    expect(last).toMatchObject({ signatureValid: true, outcome: 'FAILED', payload: null });
  });

  test('an event forgegraph does not handle answers 2xx and is recorded as ignored, saying which', async () => {
    const sent = await deliver(h, delivery(forge, { event: 'wiki_page_updated' }));
    expect(sent.status).toBe(202);
    await waitForDeliveries(h, providers[forge].id);
    const row = (await rows(forge)).find((r) => r.deliveryId === sent.deliveryId)!;
    expect(row.outcome).toBe('IGNORED');
    expect(row.message).toContain('wiki_page_updated');
  });
});

describe('bounds and addressing', () => {
  test('a body over 25 MB is refused with 413 before it is read whole', async () => {
    const huge = JSON.stringify({ blob: 'x'.repeat(25 * 1024 * 1024) });
    const sent = await deliver(h, delivery('GitHub', { payload: huge }));
    expect(sent.status).toBe(413);
  });

  test('a delivery for an unknown provider, or an App no provider has, is 404 and recorded nowhere', async () => {
    const before = await h.database.prisma.webhookDelivery.count();
    expect((await deliver(h, delivery('GitLab', { providerId: '01234567-89ab-7def-8123-456789abcdef' }))).status).toBe(404);
    expect((await deliver(h, delivery('GitHub', { appId: 999 }))).status).toBe(404);
    expect((await deliver(h, delivery('Gitea', { providerId: providers.GitLab.id }))).status).toBe(404);
    expect(await h.database.prisma.webhookDelivery.count()).toBe(before);
  });

  test('the delivery log is on the provider, newest first, for those who may see the provider', async () => {
    const QUERY = `query ($id: ID!) { node(id: $id) { ... on GitProvider { webhookUrl webhookDeliveries(first: 3) { totalCount edges { node { event deliveryId signatureValid outcome message repeats receivedAt } } } } } }`;
    const id = Buffer.from(`GitLabProvider:${providers.GitLab.id}`).toString('base64');
    const res = await h.graphql(QUERY, { id }, key);
    expect(res.errors).toBeUndefined();
    const node = res.data.node;
    expect(node.webhookUrl).toBe(`http://forgegraph.test/api/gitlab/webhook/${providers.GitLab.id}`);
    expect(node.webhookDeliveries.totalCount).toBe((await rows('GitLab')).length);
    const times = node.webhookDeliveries.edges.map((e: any) => new Date(e.node.receivedAt).getTime());
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    const outsider = await h.apiKey('Other', 'someone@other.test');
    expect((await h.graphql(QUERY, { id }, outsider)).data.node).toBeNull();
  });
});
