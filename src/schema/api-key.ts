import type { Prisma } from '../generated/prisma/client.js';
import { createApiKey, listApiKeys, revokeApiKey, visibleApiKeys } from '../resolvers/api-keys.js';
import { builder } from './builder.js';
import { mutationErrors } from './errors.js';
import { decodeIdOf } from './global-id.js';

export const ApiKey = builder.prismaNode('ApiKey', {
  description: 'An API key; only its hash is stored and only `prefix` is ever shown again.',
  id: { field: 'id' },
  findUnique: (id, ctx) => ({ ...visibleApiKeys(ctx.viewer), id }) as Prisma.ApiKeyWhereUniqueInput,
  fields: (t) => ({
    name: t.exposeString('name', { nullable: true }),
    prefix: t.exposeString('prefix', { description: 'The first characters of the key, to recognise it.' }),
    user: t.relation('user'),
    organization: t.relation('organization', { description: 'The organization requests made with this key act in.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', nullable: true }),
    lastUsedAt: t.expose('lastUsedAt', { type: 'DateTime', nullable: true, description: 'To the minute.' }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true }),
    revoked: t.boolean({ select: { revokedAt: true }, resolve: (key) => key.revokedAt !== null }),
  }),
});

const apiKeyId = (globalId: string | number) => decodeIdOf(globalId, ['ApiKey'], 'API key').id;

builder.queryField('apiKeys', (t) =>
  t.prismaConnection(
    {
      type: ApiKey,
      cursor: 'id',
      description: 'Owners and admins see every key of the organization; members their own.',
      resolve: (query, _root, _args, ctx) => listApiKeys(ctx.db, ctx.viewer, query),
    },
    { name: 'ApiKeyConnection' },
    { name: 'ApiKeyEdge' },
  ),
);

const CreateApiKeySuccess = builder.objectRef<{ apiKey: { id: string }; key: string }>('CreateApiKeySuccess').implement({
  fields: (t) => ({
    apiKey: t.field({ type: ApiKey, resolve: (result) => result.apiKey as never }),
    key: t.exposeString('key', { description: 'The key itself: shown this once, store it now.' }),
  }),
});

const CreateApiKeyInput = builder.inputType('CreateApiKeyInput', {
  fields: (t) => ({
    name: t.string(),
    userId: t.id({ description: 'Owners and admins may create a key for another member (a User ID); default: the caller.' }),
    expiresAt: t.field({ type: 'DateTime' }),
  }),
});

const RevokeApiKeyInput = builder.inputType('RevokeApiKeyInput', {
  fields: (t) => ({ id: t.id({ required: true }) }),
});

builder.mutationFields((t) => ({
  createApiKey: t.field({
    type: CreateApiKeySuccess,
    description: 'A new key acting in the active organization.',
    errors: { types: mutationErrors, directResult: true },
    args: { input: t.arg({ type: CreateApiKeyInput, required: false }) },
    resolve: (_root, { input }, ctx) =>
      createApiKey(ctx.db, ctx.viewer, {
        name: input?.name,
        userId: input?.userId == null ? null : decodeIdOf(input.userId, ['User'], 'Member').id,
        expiresAt: input?.expiresAt,
      }),
  }),
  revokeApiKey: t.field({
    type: ApiKey,
    description: 'Revokes a key at once. Members revoke their own keys; owners and admins any key of the organization.',
    errors: { types: mutationErrors, dataField: { name: 'apiKey' } },
    args: { input: t.arg({ type: RevokeApiKeyInput, required: true }) },
    resolve: (_root, { input }, ctx) => revokeApiKey(ctx.db, ctx.viewer, apiKeyId(input.id)),
  }),
}));

