import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { createMutation, GET, LIST, NODE, REMOVE, updateMutation } from '../support/operations.js';

let h: Harness;
let owner: string;
let admin: string;
let alice: string; // member
let bob: string; // member
let outsider: string; // owner of another organization

const VIEWER = '{ viewer { role user { email } organization { name } } }';

beforeAll(async () => {
  h = await startHarness();
  owner = await h.apiKey('Acme', 'owner@acme.test');
  admin = await h.apiKey('Acme', 'admin@acme.test', 'ADMIN');
  alice = await h.apiKey('Acme', 'alice@acme.test');
  bob = await h.apiKey('Acme', 'bob@acme.test');
  outsider = await h.apiKey('Globex', 'owner@globex.test');
});
afterAll(() => h.close());

async function createGitLab(apiKey: string, name: string, extra: Record<string, unknown> = {}) {
  const res = await h.graphql(createMutation('GitLab'), { input: { name, ...extra } }, apiKey);
  expect(res.data.createGitLabProvider.__typename).toBe('CreateGitLabProviderSuccess');
  return res.data.createGitLabProvider.gitProvider.id as string;
}

async function names(apiKey: string) {
  const res = await h.graphql(LIST, { first: 100 }, apiKey);
  return res.data.gitProviders.edges.map((e: any) => e.node.name).sort();
}

describe('authentication', () => {
  test('no key, an unknown key, an empty key: 401 with UNAUTHENTICATED and nothing runs', async () => {
    for (const apiKey of [null, 'fg_not-a-real-key', '']) {
      const before = h.operations.length;
      const res = await h.graphql(createMutation('GitLab'), { input: { name: 'nope' } }, apiKey);
      expect(res.status).toBe(401);
      expect(res.data).toBeUndefined();
      expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(h.operations.slice(before).filter((op) => !op.startsWith('ApiKey.'))).toEqual([]);
    }
    expect(await h.database.prisma.gitProvider.count({ where: { name: 'nope' } })).toBe(0);
  });

  test('a revoked key stops working at once', async () => {
    const key = await h.apiKey('Acme', 'carol@acme.test');
    const me = await h.graphql('{ viewer { apiKey { id } } }', {}, key);
    const revoked = await h.graphql(
      'mutation($id: ID!) { revokeApiKey(input: { id: $id }) { __typename ... on RevokeApiKeySuccess { apiKey { revoked } } } }',
      { id: me.data.viewer.apiKey.id },
      key,
    );
    expect(revoked.data.revokeApiKey).toEqual({ __typename: 'RevokeApiKeySuccess', apiKey: { revoked: true } });
    const res = await h.graphql(VIEWER, {}, key);
    expect(res.status).toBe(401);
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  test('an expired key is refused', async () => {
    const key = await h.apiKey('Acme', 'dave@acme.test');
    await h.database.prisma.apiKey.updateMany({ where: { user: { email: 'dave@acme.test' } }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await h.graphql(VIEWER, {}, key)).status).toBe(401);
  });

  test('viewer names the user, the key’s organization and the role', async () => {
    expect((await h.graphql(VIEWER, {}, admin)).data.viewer).toEqual({
      role: 'ADMIN',
      user: { email: 'admin@acme.test' },
      organization: { name: 'Acme' },
    });
    expect((await h.graphql(VIEWER, {}, alice)).data.viewer.role).toBe('MEMBER');
  });
});

describe('organizations', () => {
  test('another organization’s providers do not exist: not listed, not readable, not changeable, not removable', async () => {
    const id = await createGitLab(owner, 'acme-private', { secret: 's' });
    expect(await names(outsider)).not.toContain('acme-private');
    expect((await h.graphql(GET, { id }, outsider)).data.gitProvider).toBeNull();
    expect((await h.graphql(NODE, { id }, outsider)).data?.node ?? null).toBeNull();
    const update = await h.graphql(updateMutation('GitLab'), { input: { id, name: 'pwned', secret: null } }, outsider);
    expect(update.data.updateGitLabProvider).toMatchObject({ __typename: 'NotFoundError', message: 'Git provider not found' });
    const remove = await h.graphql(REMOVE, { id }, outsider);
    expect(remove.data.removeGitProvider).toMatchObject({ __typename: 'NotFoundError', message: 'Git provider not found' });
    const row = await h.database.prisma.gitProvider.findFirstOrThrow({ where: { name: 'acme-private' }, include: { secrets: true } });
    expect(row.secrets).toHaveLength(1);
  });

  test('the not-found answer is the same for a provider that exists elsewhere and one that never existed', async () => {
    const id = await createGitLab(owner, 'acme-exists');
    const never = Buffer.from('GitLabProvider:00000000-0000-7000-8000-000000000000').toString('base64');
    const a = await h.graphql(updateMutation('GitLab'), { input: { id, name: 'x' } }, outsider);
    const b = await h.graphql(updateMutation('GitLab'), { input: { id: never, name: 'x' } }, outsider);
    expect(a.data).toEqual(b.data);
  });

  test('Organization and User nodes of another organization are not reachable', async () => {
    const acme = await h.graphql('{ viewer { organization { id } user { id } } }', {}, owner);
    const { organization, user } = acme.data.viewer;
    for (const id of [organization.id, user.id]) {
      expect((await h.graphql(NODE, { id }, outsider)).data?.node ?? null).toBeNull();
    }
  });

  test('deleting an organization deletes its providers and their secrets; deleting a user keeps the organization’s providers', async () => {
    const temp = await h.apiKey('Temp Org', 'temp@temp.test');
    await createGitLab(temp, 'temp-provider', { secret: 's', accessToken: 'a' });
    const leaver = await h.apiKey('Acme', 'leaver@acme.test');
    await createGitLab(leaver, 'left-behind', { sharedWithOrganization: true });

    await h.database.prisma.organization.delete({ where: { name: 'Temp Org' } });
    expect(await h.database.prisma.gitProvider.count({ where: { name: 'temp-provider' } })).toBe(0);
    expect(await h.database.prisma.gitProviderSecret.count({ where: { gitProvider: { name: 'temp-provider' } } })).toBe(0);
    expect(await h.database.prisma.gitlabProvider.count({ where: { gitProvider: { name: 'temp-provider' } } })).toBe(0);

    await h.database.prisma.user.delete({ where: { email: 'leaver@acme.test' } });
    const kept = await h.graphql(LIST, { first: 100 }, owner);
    const node = kept.data.gitProviders.edges.find((e: any) => e.node.name === 'left-behind').node;
    expect(node.creator).toBeNull();
  });
});

describe('roles', () => {
  let alicePrivate: string;
  let aliceShared: string;
  let bobPrivate: string;
  let ownerPrivate: string;

  beforeAll(async () => {
    alicePrivate = await createGitLab(alice, 'alice-private');
    aliceShared = await createGitLab(alice, 'alice-shared', { sharedWithOrganization: true });
    bobPrivate = await createGitLab(bob, 'bob-private');
    ownerPrivate = await createGitLab(owner, 'owner-private');
  });

  test('a member sees their own providers and shared ones, not another member’s private ones', async () => {
    const seen = await names(bob);
    expect(seen).toContain('bob-private');
    expect(seen).toContain('alice-shared');
    expect(seen).not.toContain('alice-private');
    expect(seen).not.toContain('owner-private');
    expect((await h.graphql(GET, { id: alicePrivate }, bob)).data.gitProvider).toBeNull();
    expect((await h.graphql(NODE, { id: ownerPrivate }, bob)).data?.node ?? null).toBeNull();
  });

  test('owners and admins see every provider of the organization', async () => {
    for (const key of [owner, admin]) {
      expect(await names(key)).toEqual(expect.arrayContaining(['alice-private', 'alice-shared', 'bob-private', 'owner-private']));
    }
  });

  test('a member cannot change a private provider of someone else: it does not exist for them', async () => {
    const res = await h.graphql(updateMutation('GitLab'), { input: { id: alicePrivate, name: 'bob was here' } }, bob);
    expect(res.data.updateGitLabProvider.__typename).toBe('NotFoundError');
    expect((await h.graphql(REMOVE, { id: alicePrivate }, bob)).data.removeGitProvider.__typename).toBe('NotFoundError');
  });

  test('a member sees a shared provider but may not change or remove it', async () => {
    const res = await h.graphql(updateMutation('GitLab'), { input: { id: aliceShared, name: 'bob was here' } }, bob);
    expect(res.data.updateGitLabProvider).toMatchObject({ __typename: 'NotAllowedError', code: 'NOT_ALLOWED' });
    expect((await h.graphql(REMOVE, { id: aliceShared }, bob)).data.removeGitProvider.__typename).toBe('NotAllowedError');
    expect((await h.graphql(GET, { id: aliceShared }, bob)).data.gitProvider.name).toBe('alice-shared');
  });

  test('a member changes and removes their own; an admin changes anyone’s', async () => {
    const res = await h.graphql(updateMutation('GitLab'), { input: { id: bobPrivate, groupName: 'bobs' } }, bob);
    expect(res.data.updateGitLabProvider.gitProvider.groupName).toBe('bobs');
    const byAdmin = await h.graphql(updateMutation('GitLab'), { input: { id: alicePrivate, groupName: 'admins' } }, admin);
    expect(byAdmin.data.updateGitLabProvider.gitProvider.groupName).toBe('admins');
    expect((await h.graphql(REMOVE, { id: bobPrivate }, bob)).data.removeGitProvider.__typename).toBe('RemoveGitProviderSuccess');
  });
});
