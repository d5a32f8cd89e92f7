import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { providerWebhookSecret } from '../../src/webhooks/webhook-secret.js';
import { createApplication } from '../support/deployments.js';
import { bitbucketFixture, giteaFixture, gitLabFixture, type ForgeFixture } from '../support/forge-fixtures.js';
import { startHarness, type Harness } from '../support/harness.js';
import { createMutation } from '../support/operations.js';
import { bitbucketPullRequest, giteaPullRequest, gitLabMergeRequest, REQUEST_EVENT_NAMES, type RequestEvent } from '../support/webhook-payloads.js';
import { deliver, rawId, waitForDeliveries, type WebhookForge } from '../support/webhooks.js';

// Pull/merge requests opened, updated, then closed on GitLab, Gitea and Bitbucket (GitHub's are in
// webhook-behaviour.test.ts), through each forge's signed delivery of its own payload.

const PAYLOADS = { GitLab: gitLabMergeRequest, Gitea: giteaPullRequest, Bitbucket: bitbucketPullRequest } as const;

describe.each([
  ['GitLab', gitLabFixture],
  ['Gitea', giteaFixture],
  ['Bitbucket', bitbucketFixture],
] as const)('%s requests', (forge, makeFixture) => {
  let fixture: ForgeFixture;
  let h: Harness;
  let key: string;
  let providerId: string;
  let secret: string;

  beforeAll(async () => {
    fixture = await makeFixture();
    fixture.git.commit('main', { files: { 'README.md': 'hello\n' }, message: 'Initial commit' });
    h = await startHarness({ ...fixture.harness, deployments: {} });
    key = await h.apiKey('Acme', 'owner@acme.test');
    const res = await h.graphql(createMutation(fixture.forge), { input: fixture.providerInput }, key);
    providerId = res.data[`create${fixture.forge}Provider`].gitProvider.id;
    secret = (await providerWebhookSecret({ db: h.database.prisma, secrets: h.secrets }, { id: rawId(providerId), providerType: forge.toUpperCase() as 'GITLAB' }))!;
  }, 60_000);

  afterAll(async () => {
    await h?.close();
    await fixture?.stop();
  });

  const send = async (event: RequestEvent) => {
    const sent = await deliver(h, { forge: forge as WebhookForge, event: REQUEST_EVENT_NAMES[forge][event.action], payload: PAYLOADS[forge](event), secret, providerId: rawId(providerId) });
    expect(sent.status).toBe(202);
    await waitForDeliveries(h, rawId(providerId));
    return h.database.prisma.webhookDelivery.findFirstOrThrow({ where: { deliveryId: sent.deliveryId }, include: { deployments: true } });
  };

  test('creating applications registers one hook for the repository, with the provider’s secret; the last one removed takes it away', async () => {
    const APP = `query ($id: ID!) { application(id: $id) { webhook { url registered error instructions } } }`;
    const REMOVE = `mutation ($id: ID!) { removeApplication(input: { id: $id }) { __typename } }`;
    const first = await createApplication(h, key, { name: 'hooked', gitProviderId: providerId, repository: fixture.repository, branch: 'main' });
    const second = await createApplication(h, key, { name: 'hooked-too', gitProviderId: providerId, repository: fixture.repository, branch: 'main' });
    const url = `http://forgegraph.test/api/${forge.toLowerCase()}/webhook/${rawId(providerId)}`;
    expect(fixture.hooks()).toEqual([{ url, secret }]);
    expect((await h.graphql(APP, { id: first }, key)).data.application.webhook).toEqual({ url, registered: true, error: null, instructions: null });

    await h.graphql(REMOVE, { id: first }, key);
    expect(fixture.hooks()).toHaveLength(1);
    await h.graphql(REMOVE, { id: second }, key);
    expect(fixture.hooks()).toEqual([]);
  });

  test('opened then updated deploy previews of each head; closed removes them', async () => {
    const app = await createApplication(h, key, { name: 'web', gitProviderId: providerId, repository: fixture.repository, branch: 'main', previews: true });
    const first = fixture.git.commit('topic', { files: { 'topic.txt': '1\n' }, message: 'Topic' }, 'main');
    const base = { repository: fixture.repository, number: 5, base: 'main', headRef: 'topic' };

    const opened = await send({ ...base, action: 'opened', headSha: first });
    expect(opened.message).toContain('Preview of #5');
    expect(opened.deployments).toMatchObject([{ applicationId: rawId(app), trigger: 'PREVIEW', commitSha: first }]);

    const second = fixture.git.commit('topic', { files: { 'topic.txt': '2\n' }, message: 'Topic, again' });
    const updated = await send({ ...base, action: 'updated', headSha: second, previousSha: first });
    expect(updated.deployments).toMatchObject([{ trigger: 'PREVIEW', commitSha: second }]);

    const closed = await send({ ...base, action: 'closed', headSha: second });
    expect(closed).toMatchObject({ outcome: 'PROCESSED', deployments: [] });
    const preview = await h.database.prisma.preview.findFirstOrThrow({ where: { applicationId: rawId(app), number: 5 }, include: { deployments: true } });
    expect(preview).toMatchObject({ state: 'CLOSED', headSha: second, fromFork: false });
    expect(preview.deployments).toHaveLength(2);
    expect(preview.deployments.some((d) => d.status === 'QUEUED')).toBe(false);
  });

  test('another provider’s delivery for the same request number touches nothing of this one', async () => {
    const other = await startHarness({ ...fixture.harness, database: h.database, secrets: h.secrets });
    try {
      const otherKey = await other.apiKey('Other Org', 'someone@other.test');
      const res = await other.graphql(createMutation(fixture.forge), { input: { ...fixture.providerInput, name: 'Theirs' } }, otherKey);
      const theirs = rawId(res.data[`create${fixture.forge}Provider`].gitProvider.id);
      const theirSecret = (await providerWebhookSecret({ db: h.database.prisma, secrets: h.secrets }, { id: theirs, providerType: forge.toUpperCase() as 'GITLAB' }))!;
      const before = await h.database.prisma.preview.findMany({ orderBy: { id: 'asc' } });
      const sha = fixture.git.resolve('topic')!;
      const sent = await deliver(h, {
        forge: forge as WebhookForge,
        event: REQUEST_EVENT_NAMES[forge].closed,
        payload: PAYLOADS[forge]({ action: 'closed', repository: fixture.repository, number: 5, base: 'main', headRef: 'topic', headSha: sha }),
        secret: theirSecret,
        providerId: theirs,
      });
      expect(sent.status).toBe(202);
      await waitForDeliveries(h, theirs);
      expect(await h.database.prisma.preview.findMany({ orderBy: { id: 'asc' } })).toEqual(before);
      // Signed with the other provider's secret, it is not this provider's delivery at all.
      const forged = await deliver(h, { forge: forge as WebhookForge, event: 'x', payload: {}, secret: theirSecret, providerId: rawId(providerId) });
      expect(forged.status).toBe(401);
    } finally {
      await other.close();
    }
  });
});
