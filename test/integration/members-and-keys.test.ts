import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { hashApiKey } from '../../src/resolvers/api-keys.js';
import { startHarness, type Harness } from '../support/harness.js';

let h: Harness;
let owner: string;
let admin: string;
let member: string;

const ADD = `mutation($input: AddMemberInput!) { addMember(input: $input) {
  __typename ... on AddMemberSuccess { member { id role user { id email name } } } ... on Error { message code } ... on ValidationError { field } } }`;
const CHANGE = `mutation($id: ID!, $role: MemberRole!) { changeMemberRole(input: { id: $id, role: $role }) {
  __typename ... on ChangeMemberRoleSuccess { member { id role } } ... on Error { message code } ... on ValidationError { field } } }`;
const REMOVE = `mutation($id: ID!) { removeMember(input: { id: $id }) {
  __typename ... on RemoveMemberSuccess { removedId } ... on Error { message code } } }`;
const MEMBERS = '{ members(first: 100) { edges { node { id role user { email } } } } }';
const CREATE_KEY = `mutation($input: CreateApiKeyInput) { createApiKey(input: $input) {
  __typename ... on CreateApiKeySuccess { key apiKey { id name prefix revoked user { email } organization { name } expiresAt } } ... on Error { message code } ... on ValidationError { field } } }`;
const REVOKE_KEY = `mutation($id: ID!) { revokeApiKey(input: { id: $id }) {
  __typename ... on RevokeApiKeySuccess { apiKey { id revoked revokedAt } } ... on Error { message code } } }`;
const KEYS = '{ apiKeys(first: 100) { edges { node { id name prefix revoked lastUsedAt user { email } } } } }';

beforeAll(async () => {
  h = await startHarness();
  owner = await h.apiKey('Acme', 'owner@acme.test');
  admin = await h.apiKey('Acme', 'admin@acme.test', 'ADMIN');
  member = await h.apiKey('Acme', 'member@acme.test');
});
afterAll(() => h.close());

async function memberIdOf(email: string) {
  const res = await h.graphql(MEMBERS, {}, owner);
  return res.data.members.edges.find((e: any) => e.node.user.email === email).node.id as string;
}

describe('members', () => {
  test('the API-key bootstrap makes the first user of an organization its owner and later ones members', async () => {
    const res = await h.graphql(MEMBERS, {}, member);
    const roles = Object.fromEntries(res.data.members.edges.map((e: any) => [e.node.user.email, e.node.role]));
    expect(roles).toMatchObject({ 'owner@acme.test': 'OWNER', 'admin@acme.test': 'ADMIN', 'member@acme.test': 'MEMBER' });
  });

  test('an admin adds a member; the user is created; adding twice is a validation error', async () => {
    const res = await h.graphql(ADD, { input: { email: 'New@Acme.test', name: 'New Person', role: 'MEMBER' } }, admin);
    expect(res.data.addMember).toMatchObject({ __typename: 'AddMemberSuccess', member: { role: 'MEMBER', user: { email: 'new@acme.test', name: 'New Person' } } });
    const again = await h.graphql(ADD, { input: { email: 'new@acme.test', role: 'ADMIN' } }, owner);
    expect(again.data.addMember).toMatchObject({ __typename: 'ValidationError', field: 'email' });
  });

  test('a member cannot manage members', async () => {
    const res = await h.graphql(ADD, { input: { email: 'x@acme.test', role: 'MEMBER' } }, member);
    expect(res.data.addMember).toMatchObject({ __typename: 'NotAllowedError', code: 'NOT_ALLOWED' });
    expect(await h.database.prisma.user.count({ where: { email: 'x@acme.test' } })).toBe(0);
  });

  test('only an owner makes owners', async () => {
    const byAdmin = await h.graphql(ADD, { input: { email: 'boss@acme.test', role: 'OWNER' } }, admin);
    expect(byAdmin.data.addMember.__typename).toBe('NotAllowedError');
    const byOwner = await h.graphql(ADD, { input: { email: 'boss@acme.test', role: 'OWNER' } }, owner);
    expect(byOwner.data.addMember.member.role).toBe('OWNER');
    const demoteByAdmin = await h.graphql(CHANGE, { id: await memberIdOf('boss@acme.test'), role: 'MEMBER' }, admin);
    expect(demoteByAdmin.data.changeMemberRole.__typename).toBe('NotAllowedError');
  });

  test('roles change; the change applies to the member’s existing keys at once', async () => {
    const key = await h.apiKey('Acme', 'promoted@acme.test');
    const id = await memberIdOf('promoted@acme.test');
    const res = await h.graphql(CHANGE, { id, role: 'ADMIN' }, owner);
    expect(res.data.changeMemberRole).toMatchObject({ __typename: 'ChangeMemberRoleSuccess', member: { role: 'ADMIN' } });
    expect((await h.graphql('{ viewer { role } }', {}, key)).data.viewer.role).toBe('ADMIN');
  });

  test('the last owner can neither be demoted nor removed', async () => {
    const solo = await h.apiKey('Solo', 'solo@solo.test');
    const res = await h.graphql(MEMBERS, {}, solo);
    const id = res.data.members.edges[0].node.id;
    expect((await h.graphql(CHANGE, { id, role: 'ADMIN' }, solo)).data.changeMemberRole).toMatchObject({ __typename: 'ValidationError', field: 'role' });
    expect((await h.graphql(REMOVE, { id }, solo)).data.removeMember.__typename).toBe('ValidationError');
  });

  test('removing a member revokes their keys for the organization', async () => {
    const key = await h.apiKey('Acme', 'leaving@acme.test');
    const id = await memberIdOf('leaving@acme.test');
    const res = await h.graphql(REMOVE, { id }, admin);
    expect(res.data.removeMember).toEqual({ __typename: 'RemoveMemberSuccess', removedId: id });
    expect((await h.graphql('{ viewer { role } }', {}, key)).status).toBe(401);
    expect(await h.database.prisma.apiKey.count({ where: { user: { email: 'leaving@acme.test' }, revokedAt: null } })).toBe(0);
  });

  test('members of another organization cannot be touched', async () => {
    const other = await h.apiKey('Globex', 'owner@globex.test');
    const id = await memberIdOf('member@acme.test');
    expect((await h.graphql(CHANGE, { id, role: 'ADMIN' }, other)).data.changeMemberRole.__typename).toBe('NotFoundError');
    expect((await h.graphql(REMOVE, { id }, other)).data.removeMember.__typename).toBe('NotFoundError');
  });
});

describe('API keys', () => {
  test('a created key is shown once, stored only as a hash with a visible prefix, and works', async () => {
    const res = await h.graphql(CREATE_KEY, { input: { name: 'deploy bot' } }, member);
    const { key, apiKey } = res.data.createApiKey;
    expect(res.data.createApiKey.__typename).toBe('CreateApiKeySuccess');
    expect(key).toMatch(/^fg_[A-Za-z0-9_-]{32}$/);
    expect(apiKey).toMatchObject({ name: 'deploy bot', revoked: false, user: { email: 'member@acme.test' }, organization: { name: 'Acme' } });
    expect(key.startsWith(apiKey.prefix)).toBe(true);
    expect(apiKey.prefix.length).toBeLessThan(16);
    const stored = await h.database.prisma.apiKey.findFirstOrThrow({ where: { prefix: apiKey.prefix } });
    expect(stored.hash).toBe(hashApiKey(key));
    expect(JSON.stringify(stored)).not.toContain(key);
    expect((await h.graphql('{ viewer { user { email } } }', {}, key)).data.viewer.user.email).toBe('member@acme.test');
    const listed = await h.graphql(KEYS, {}, member);
    expect(listed.text).not.toContain(key);
  });

  test('members list their own keys; owners and admins list every key of the organization', async () => {
    const mine = await h.graphql(KEYS, {}, member);
    expect(new Set(mine.data.apiKeys.edges.map((e: any) => e.node.user.email))).toEqual(new Set(['member@acme.test']));
    const all = await h.graphql(KEYS, {}, admin);
    expect(all.data.apiKeys.edges.map((e: any) => e.node.user.email)).toEqual(expect.arrayContaining(['owner@acme.test', 'member@acme.test']));
  });

  test('a member cannot revoke someone else’s key; an admin can', async () => {
    const ownerKeyId = (await h.graphql('{ viewer { apiKey { id } } }', {}, owner)).data.viewer.apiKey.id;
    expect((await h.graphql(REVOKE_KEY, { id: ownerKeyId }, member)).data.revokeApiKey.__typename).toBe('NotFoundError');
    const spare = await h.graphql(CREATE_KEY, { input: { name: 'spare' } }, owner);
    const res = await h.graphql(REVOKE_KEY, { id: spare.data.createApiKey.apiKey.id }, admin);
    expect(res.data.revokeApiKey).toMatchObject({ __typename: 'RevokeApiKeySuccess', apiKey: { revoked: true } });
    expect((await h.graphql('{ viewer { role } }', {}, spare.data.createApiKey.key)).status).toBe(401);
  });

  test('owners and admins create keys for another member; members cannot', async () => {
    const users = await h.graphql('{ members(first: 100) { edges { node { user { id email } } } } }', {}, owner);
    const target = users.data.members.edges.find((e: any) => e.node.user.email === 'member@acme.test').node.user.id;
    const byAdmin = await h.graphql(CREATE_KEY, { input: { name: 'for member', userId: target } }, admin);
    expect(byAdmin.data.createApiKey.apiKey.user.email).toBe('member@acme.test');
    const adminId = users.data.members.edges.find((e: any) => e.node.user.email === 'admin@acme.test').node.user.id;
    expect((await h.graphql(CREATE_KEY, { input: { userId: adminId } }, member)).data.createApiKey.__typename).toBe('NotFoundError');
  });

  test('an expiry in the past is refused', async () => {
    const res = await h.graphql(CREATE_KEY, { input: { expiresAt: '2000-01-01T00:00:00Z' } }, owner);
    expect(res.data.createApiKey).toMatchObject({ __typename: 'ValidationError', field: 'expiresAt' });
  });
});
