import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FakeGitHub } from '../fakes/github/fake-github.js';
import { startHarness, type Harness } from '../support/harness.js';
import { createMutation, updateMutation } from '../support/operations.js';

/**
 * A GitHub provider whose App installation is deleted or suspended moves to INSTALLATION_REMOVED with the
 * reason, answers its calls with ForgeInstallationRemovedError without asking GitHub again, and is
 * CONNECTED again once its githubInstallationId names a live installation.
 */
const APP_KEYS = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });

let h: Harness;
let key: string;
let github: FakeGitHub;

const TEST = `mutation($id: ID!) { testGitProviderConnection(input: { id: $id }) {
  __typename
  ... on TestGitProviderConnectionSuccess { report { ok repositoryCount } gitProvider { connectionState connectionStateReason } }
  ... on Error { message code }
  ... on ForgeInstallationRemovedError { reason }
} }`;

const STATE = `query($id: ID!) { gitProvider(id: $id) { connectionState connectionStateReason lastConnectionCheck { ok errorCode } } }`;

const REPOSITORIES = `query($id: ID!) { gitProvider(id: $id) { repositories(first: 10) { totalCount edges { node { fullName } } } } }`;

function requestCount(): number {
  return github.requestsTo(/./, 'GET').length + github.requestsTo(/./, 'POST').length;
}

async function createProvider(installationId: number): Promise<string> {
  const res = await h.graphql(
    createMutation('GitHub'),
    { input: { name: `GitHub ${installationId}`, githubUrl: github.url, githubAppId: 4242, githubInstallationId: String(installationId), githubPrivateKey: APP_KEYS.privateKey } },
    key,
  );
  expect(res.data.createGitHubProvider.__typename).toBe('CreateGitHubProviderSuccess');
  return res.data.createGitHubProvider.gitProvider.id as string;
}

beforeAll(async () => {
  github = await new FakeGitHub({ appId: 4242, clientId: 'Iv23liInstallState', publicKey: APP_KEYS.publicKey, installationId: 777 }).start();
  github.seed({ repositories: 12, branchesPerRepo: 2 });
  h = await startHarness({});
  key = await h.apiKey('Acme', 'owner@acme.test');
});

afterAll(async () => {
  await h?.close();
  await github?.stop();
});

describe.each([
  ['deleted', (installationId: number) => github.removeInstallation(installationId), /not found/],
  ['suspended', (_installationId: number) => github.suspendInstallation(), /suspended/],
] as const)('an installation that is %s', (reason, remove, said) => {
  test('moves the provider to INSTALLATION_REMOVED; its calls fail without asking GitHub until a live installation ID is stored', async () => {
    // The suspended case uses the fake's own installation; the deleted case one installed for the test.
    const doomed = reason === 'suspended' ? github.installation.id : github.installApp(4242);
    const id = await createProvider(doomed);
    const ok = await h.graphql(TEST, { id }, key);
    expect(ok.data.testGitProviderConnection.__typename).toBe('TestGitProviderConnectionSuccess');
    expect(ok.data.testGitProviderConnection.gitProvider.connectionState).toBe('CONNECTED');

    remove(doomed);
    try {
      const failed = await h.graphql(TEST, { id }, key);
      expect(failed.data.testGitProviderConnection).toMatchObject({ __typename: 'ForgeInstallationRemovedError', code: 'FORGE_INSTALLATION_REMOVED', reason });
      expect(failed.data.testGitProviderConnection.message).toMatch(said);
      expect(failed.data.testGitProviderConnection.message).toMatch(/reinstall the GitHub App/);
      expect(failed.data.testGitProviderConnection.message).toMatch(/installation ID/);

      const state = await h.graphql(STATE, { id }, key);
      expect(state.data.gitProvider).toMatchObject({
        connectionState: 'INSTALLATION_REMOVED',
        connectionStateReason: reason,
        lastConnectionCheck: { ok: false, errorCode: 'FORGE_INSTALLATION_REMOVED' },
      });

      // From now on nothing reaches GitHub: not a listing, not a connection test.
      const before = requestCount();
      const listing = await h.graphql(REPOSITORIES, { id }, key);
      expect(listing.errors?.[0]?.extensions).toMatchObject({ code: 'FORGE_INSTALLATION_REMOVED', reason });
      const again = await h.graphql(TEST, { id }, key);
      expect(again.data.testGitProviderConnection).toMatchObject({ __typename: 'ForgeInstallationRemovedError', reason });
      expect(requestCount()).toBe(before);
    } finally {
      if (reason === 'suspended') github.installation.suspendedAt = null;
    }

    // The App installed again (a new installation): storing its ID reconnects the provider.
    const fresh = github.installApp(4242);
    const updated = await h.graphql(updateMutation('GitHub'), { input: { id, githubInstallationId: String(fresh) } }, key);
    expect(updated.data.updateGitHubProvider.__typename).toBe('UpdateGitHubProviderSuccess');
    const reconnected = await h.graphql(STATE, { id }, key);
    expect(reconnected.data.gitProvider).toMatchObject({ connectionState: 'CONNECTED', connectionStateReason: null });
    const works = await h.graphql(TEST, { id }, key);
    expect(works.data.testGitProviderConnection.__typename).toBe('TestGitProviderConnectionSuccess');
    expect(works.data.testGitProviderConnection.report.ok).toBe(true);
    const listing = await h.graphql(REPOSITORIES, { id }, key);
    expect(listing.errors).toBeUndefined();
  });
});
