import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { createMutation, GET, LIST, NODE, REMOVE, rsaPrivateKey, updateMutation } from '../support/operations.js';

let h: Harness;
let key: string;
const privateKey = rsaPrivateKey();

beforeAll(async () => {
  h = await startHarness();
  key = await h.apiKey('Acme', 'owner@acme.test');
});
afterAll(() => h.close());

async function create(forge: 'GitHub' | 'GitLab' | 'Bitbucket' | 'Gitea', input: Record<string, unknown>, apiKey = key) {
  const res = await h.graphql(createMutation(forge), { input }, apiKey);
  expect(res.errors).toBeUndefined();
  const payload = res.data[`create${forge}Provider`];
  expect(payload.__typename, JSON.stringify(payload)).toBe(`Create${forge}ProviderSuccess`);
  return payload.gitProvider;
}

describe('create', () => {
  test('GitHub App with every reference field; githubUrl defaults to github.com; secrets only as flags', async () => {
    const p = await create('GitHub', {
      name: 'Production GitHub',
      githubAppName: 'dokploy-prod',
      githubAppId: 123456,
      githubClientId: 'Iv1.abc123def456',
      githubClientSecret: 'client-secret-value',
      githubInstallationId: '789012',
      githubPrivateKey: privateKey,
      githubWebhookSecret: 'webhook_secret_123',
    });
    expect(p).toMatchObject({
      __typename: 'GitHubProvider',
      name: 'Production GitHub',
      providerType: 'GITHUB',
      sharedWithOrganization: false,
      githubAppName: 'dokploy-prod',
      githubAppId: 123456,
      githubClientId: 'Iv1.abc123def456',
      githubInstallationId: '789012',
      githubUrl: 'https://github.com',
      hasClientSecret: true,
      hasPrivateKey: true,
      hasWebhookSecret: true,
      organization: { name: 'Acme' },
      creator: { email: 'owner@acme.test' },
    });
    expect(JSON.stringify(p)).not.toContain('client-secret-value');
  });

  test('GitHub Enterprise URL is kept', async () => {
    const p = await create('GitHub', { name: 'GHE', githubUrl: 'https://github.example.com' });
    expect(p.githubUrl).toBe('https://github.example.com');
    expect(p).toMatchObject({ hasClientSecret: false, hasPrivateKey: false, hasWebhookSecret: false });
  });

  test('GitLab defaults gitlabUrl to https://gitlab.com and keeps the rest', async () => {
    const p = await create('GitLab', {
      name: 'GitLab Production',
      gitlabInternalUrl: 'http://gitlab.internal:8080',
      applicationId: 'abc123',
      secret: 'secret_xyz',
      redirectUri: 'https://dokploy.example.com/api/gitlab/callback',
      groupName: 'my-organization',
      accessToken: 'glpat-access',
      refreshToken: 'refresh',
      expiresAt: '2030-01-01T00:00:00.000Z',
    });
    expect(p).toMatchObject({
      __typename: 'GitLabProvider',
      providerType: 'GITLAB',
      gitlabUrl: 'https://gitlab.com',
      gitlabInternalUrl: 'http://gitlab.internal:8080',
      applicationId: 'abc123',
      redirectUri: 'https://dokploy.example.com/api/gitlab/callback',
      groupName: 'my-organization',
      expiresAt: '2030-01-01T00:00:00.000Z',
      hasClientSecret: true,
      hasAccessToken: true,
      hasRefreshToken: true,
    });
  });

  test('Bitbucket with API token and email', async () => {
    const p = await create('Bitbucket', {
      name: 'Bitbucket Main',
      bitbucketEmail: 'John@Example.com',
      apiToken: 'ATATT-token',
      bitbucketWorkspaceName: 'my-workspace',
    });
    expect(p).toMatchObject({
      __typename: 'BitbucketProvider',
      bitbucketEmail: 'john@example.com',
      bitbucketWorkspaceName: 'my-workspace',
      hasApiToken: true,
      hasAppPassword: false,
    });
  });

  test('Bitbucket with legacy app password and username', async () => {
    const p = await create('Bitbucket', { name: 'Legacy', bitbucketUsername: 'johndoe', appPassword: 'ATBBxxxxxxxx' });
    expect(p).toMatchObject({ bitbucketUsername: 'johndoe', hasAppPassword: true, hasApiToken: false });
  });

  test('Gitea defaults scopes', async () => {
    const p = await create('Gitea', {
      name: 'Gitea Production',
      giteaUrl: 'https://gitea.example.com',
      giteaInternalUrl: 'http://gitea.internal:3000',
      clientId: 'client-id-123',
      clientSecret: 'client-secret-xyz',
      redirectUri: 'https://dokploy.example.com/api/gitea/callback',
    });
    expect(p).toMatchObject({
      __typename: 'GiteaProvider',
      giteaUrl: 'https://gitea.example.com',
      giteaInternalUrl: 'http://gitea.internal:3000',
      clientId: 'client-id-123',
      scopes: 'repo,repo:status,read:user,read:org',
      hasClientSecret: true,
      hasAccessToken: false,
      expiresAt: null,
    });
  });
});

describe('read', () => {
  test('gitProvider(id) and node(id) return the provider; unknown and malformed ids return null', async () => {
    const p = await create('Gitea', { name: 'G', giteaUrl: 'https://codeberg.org' });
    const got = await h.graphql(GET, { id: p.id }, key);
    expect(got.data.gitProvider).toMatchObject({ id: p.id, name: 'G', giteaUrl: 'https://codeberg.org' });
    const node = await h.graphql(NODE, { id: p.id }, key);
    expect(node.data.node).toEqual({ __typename: 'GiteaProvider', id: p.id, name: 'G' });
    expect((await h.graphql(GET, { id: 'not-an-id' }, key)).data.gitProvider).toBeNull();
    const wrongType = Buffer.from(`GitHubProvider:${Buffer.from(p.id, 'base64').toString().split(':')[1]}`).toString('base64');
    expect((await h.graphql(NODE, { id: wrongType }, key)).data?.node ?? null).toBeNull();
  });

  test('gitProviders pages through everything with stable cursors and filters by type', async () => {
    const own = await h.apiKey('Paging Org', 'pager@acme.test');
    const names: string[] = [];
    for (let i = 0; i < 7; i++) {
      names.push((await create(i % 2 ? 'GitLab' : 'Gitea', i % 2 ? { name: `p${i}` } : { name: `p${i}`, giteaUrl: 'https://g.example' }, own)).name);
    }
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: any = await h.graphql(LIST, { first: 3, after }, own);
      expect(page.data.gitProviders.totalCount).toBe(7);
      seen.push(...page.data.gitProviders.edges.map((e: any) => e.node.name));
      if (!page.data.gitProviders.pageInfo.hasNextPage) break;
      after = page.data.gitProviders.pageInfo.endCursor;
    }
    expect(seen).toEqual(names);
    const gitlab = await h.graphql(LIST, { first: 100, type: 'GITLAB' }, own);
    expect(gitlab.data.gitProviders.totalCount).toBe(3);
    expect(gitlab.data.gitProviders.edges.every((e: any) => e.node.providerType === 'GITLAB')).toBe(true);
  });

  test('first beyond 100 is clamped to a page of 100 (the N+1 suite fills one), not refused', async () => {
    const res = await h.graphql(LIST, { first: 1000 }, key);
    expect(res.errors).toBeUndefined();
    expect(res.data.gitProviders.edges.length).toBeLessThanOrEqual(100);
  });
});

describe('update', () => {
  test('fields left out keep their values, secrets sent as null are cleared, a new secret replaces the old', async () => {
    const p = await create('GitLab', { name: 'Before', applicationId: 'app', secret: 'old-secret', accessToken: 'tok', groupName: 'g' });
    const res = await h.graphql(updateMutation('GitLab'), { input: { id: p.id, name: 'After', accessToken: null, secret: 'new-secret' } }, key);
    const updated = res.data.updateGitLabProvider;
    expect(updated.__typename).toBe('UpdateGitLabProviderSuccess');
    expect(updated.gitProvider).toMatchObject({
      name: 'After',
      applicationId: 'app',
      groupName: 'g',
      hasClientSecret: true,
      hasAccessToken: false,
    });
    const sealed = await h.database.prisma.gitProviderSecret.findUniqueOrThrow({
      where: { gitProviderId_field: { gitProviderId: Buffer.from(p.id, 'base64').toString().split(':')[1]!, field: 'secret' } },
    });
    expect(h.secrets.open(sealed, `git-provider:${sealed.gitProviderId}:secret`)).toBe('new-secret');
    expect(new Date(updated.gitProvider.updatedAt).getTime()).toBeGreaterThanOrEqual(new Date(p.updatedAt).getTime());
  });

  test('GitHub: the installation id is set later and the private key rotates', async () => {
    const p = await create('GitHub', { name: 'App', githubAppId: 42, githubPrivateKey: privateKey });
    const rotated = rsaPrivateKey();
    const res = await h.graphql(updateMutation('GitHub'), { input: { id: p.id, githubInstallationId: '99', githubPrivateKey: rotated, githubAppName: 'renamed' } }, key);
    expect(res.data.updateGitHubProvider.gitProvider).toMatchObject({
      githubAppId: 42,
      githubInstallationId: '99',
      githubAppName: 'renamed',
      hasPrivateKey: true,
    });
    const localId = Buffer.from(p.id, 'base64').toString().split(':')[1]!;
    const sealed = await h.database.prisma.gitProviderSecret.findUniqueOrThrow({ where: { gitProviderId_field: { gitProviderId: localId, field: 'githubPrivateKey' } } });
    expect(h.secrets.open(sealed, `git-provider:${localId}:githubPrivateKey`)).toBe(rotated);
  });

  test('Gitea: tokens and their expiry are replaced together; scopes change', async () => {
    const p = await create('Gitea', { name: 'Tokens', giteaUrl: 'https://g.example', accessToken: 'a1', refreshToken: 'r1', expiresAt: '2030-01-01T00:00:00Z' });
    const res = await h.graphql(
      updateMutation('Gitea'),
      { input: { id: p.id, accessToken: 'a2', expiresAt: '2031-06-01T12:00:00Z', scopes: 'read:repository,read:user' } },
      key,
    );
    expect(res.data.updateGiteaProvider.gitProvider).toMatchObject({
      hasAccessToken: true,
      hasRefreshToken: true,
      expiresAt: '2031-06-01T12:00:00.000Z',
      scopes: 'read:repository,read:user',
    });
  });

  test('new tokens pasted by hand reconnect a provider that was waiting for reauthorization', async () => {
    const p = await create('GitLab', { name: 'Reauth', accessToken: 'old' });
    const localId = Buffer.from(p.id, 'base64').toString().split(':')[1]!;
    await h.database.prisma.gitProvider.update({ where: { id: localId }, data: { connectionState: 'REAUTHORIZATION_REQUIRED', connectionStateReason: 'invalid_grant' } });
    const renamed = await h.graphql(updateMutation('GitLab'), { input: { id: p.id, name: 'Still waiting' } }, key);
    expect(renamed.data.updateGitLabProvider.__typename).toBe('UpdateGitLabProviderSuccess');
    expect((await h.database.prisma.gitProvider.findUniqueOrThrow({ where: { id: localId } })).connectionState).toBe('REAUTHORIZATION_REQUIRED');
    await h.graphql(updateMutation('GitLab'), { input: { id: p.id, accessToken: 'new', refreshToken: 'new-refresh' } }, key);
    const state = await h.graphql('query($id: ID!) { gitProvider(id: $id) { connectionState connectionStateReason } }', { id: p.id }, key);
    expect(state.data.gitProvider).toEqual({ connectionState: 'CONNECTED', connectionStateReason: null });
  });

  test('null on a plain field clears it; null on a defaulted field restores the default', async () => {
    const p = await create('GitLab', { name: 'X', gitlabUrl: 'https://gitlab.example.com', groupName: 'g' });
    const res = await h.graphql(updateMutation('GitLab'), { input: { id: p.id, groupName: null, gitlabUrl: null } }, key);
    expect(res.data.updateGitLabProvider.gitProvider).toMatchObject({ groupName: null, gitlabUrl: 'https://gitlab.com' });
  });

  test('sharedWithOrganization can be switched', async () => {
    const p = await create('Gitea', { name: 'S', giteaUrl: 'https://g.example' });
    const res = await h.graphql(updateMutation('Gitea'), { input: { id: p.id, sharedWithOrganization: true } }, key);
    expect(res.data.updateGiteaProvider.gitProvider.sharedWithOrganization).toBe(true);
  });

  test('updating through another forge’s mutation answers NotFound and changes nothing', async () => {
    const p = await create('Gitea', { name: 'Mine', giteaUrl: 'https://g.example' });
    const res = await h.graphql(updateMutation('GitLab'), { input: { id: p.id, name: 'Hijacked' } }, key);
    expect(res.data.updateGitLabProvider).toMatchObject({ __typename: 'NotFoundError', code: 'NOT_FOUND' });
    expect((await h.graphql(GET, { id: p.id }, key)).data.gitProvider.name).toBe('Mine');
  });
});

describe('remove', () => {
  test('removes the provider and its sealed secrets', async () => {
    const p = await create('GitHub', { name: 'Gone', githubPrivateKey: privateKey, githubWebhookSecret: 'w' });
    const id = Buffer.from(p.id, 'base64').toString().split(':')[1]!;
    const res = await h.graphql(REMOVE, { id: p.id }, key);
    expect(res.data.removeGitProvider).toEqual({ __typename: 'RemoveGitProviderSuccess', removedId: p.id });
    expect((await h.graphql(GET, { id: p.id }, key)).data.gitProvider).toBeNull();
    expect(await h.database.prisma.gitProviderSecret.count({ where: { gitProviderId: id } })).toBe(0);
    expect(await h.database.prisma.githubProvider.count({ where: { gitProviderId: id } })).toBe(0);
    const again = await h.graphql(REMOVE, { id: p.id }, key);
    expect(again.data.removeGitProvider).toMatchObject({ __typename: 'NotFoundError', code: 'NOT_FOUND' });
  });
});
