import { visibleProviders } from '../resolvers/git-providers.js';
import { builder } from './builder.js';
import { defineProviderMutations, GitProviderRef } from './git-provider.js';
import { hasSecret, secretsSelection } from './provider-secrets.js';

export const BitbucketProvider = builder.prismaNode('GitProvider', {
  variant: 'BitbucketProvider',
  description: 'Bitbucket Cloud, with an API token (and the account email) or a legacy app password (and the username).',
  interfaces: [GitProviderRef],
  id: { field: 'id' },
  findUnique: (id, ctx) => ({ ...visibleProviders(ctx.viewer), id, providerType: 'BITBUCKET' }),
  select: { id: true, providerType: true, bitbucket: true, ...secretsSelection },
  fields: (t) => ({
    bitbucketUsername: t.string({ nullable: true, resolve: (p) => p.bitbucket?.bitbucketUsername ?? null }),
    bitbucketEmail: t.field({ type: 'EmailAddress', nullable: true, resolve: (p) => p.bitbucket?.bitbucketEmail ?? null }),
    bitbucketWorkspaceName: t.string({ nullable: true, resolve: (p) => p.bitbucket?.bitbucketWorkspaceName ?? null }),
    hasAppPassword: t.boolean({ resolve: (p) => hasSecret(p, 'appPassword') }),
    hasApiToken: t.boolean({ resolve: (p) => hasSecret(p, 'apiToken') }),
  }),
});

const CreateBitbucketProviderInput = builder.inputType('CreateBitbucketProviderInput', {
  description: 'Give apiToken with bitbucketEmail, or (legacy) appPassword with bitbucketUsername.',
  fields: (t) => ({
    name: t.field({ type: 'NonEmptyString', required: true }),
    sharedWithOrganization: t.boolean({ description: 'Default false: only the creator, owners and admins see it.' }),
    bitbucketUsername: t.string(),
    bitbucketEmail: t.field({ type: 'EmailAddress' }),
    appPassword: t.string({ description: 'Deprecated by Atlassian (removed 2026-07-28): prefer apiToken.' }),
    apiToken: t.string(),
    bitbucketWorkspaceName: t.string(),
  }),
});

const UpdateBitbucketProviderInput = builder.inputType('UpdateBitbucketProviderInput', {
  fields: (t) => ({
    id: t.id({ required: true }),
    name: t.field({ type: 'NonEmptyString' }),
    sharedWithOrganization: t.boolean(),
    bitbucketUsername: t.string(),
    bitbucketEmail: t.field({ type: 'EmailAddress' }),
    appPassword: t.string(),
    apiToken: t.string(),
    bitbucketWorkspaceName: t.string(),
  }),
});

defineProviderMutations('BITBUCKET', BitbucketProvider, CreateBitbucketProviderInput, UpdateBitbucketProviderInput);
