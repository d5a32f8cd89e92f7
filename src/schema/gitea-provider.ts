import { visibleProviders } from '../resolvers/git-providers.js';
import { builder } from './builder.js';
import { defineProviderMutations, GitProviderRef } from './git-provider.js';
import { hasSecret, secretsSelection } from './provider-secrets.js';

export const GiteaProvider = builder.prismaNode('GitProvider', {
  variant: 'GiteaProvider',
  description: 'An OAuth2 application on Gitea, Forgejo or Codeberg.',
  interfaces: [GitProviderRef],
  id: { field: 'id' },
  findUnique: (id, ctx) => ({ ...visibleProviders(ctx.viewer), id, providerType: 'GITEA' }),
  select: { id: true, providerType: true, gitea: true, ...secretsSelection },
  fields: (t) => ({
    giteaUrl: t.string({ resolve: (p) => p.gitea!.giteaUrl }),
    giteaInternalUrl: t.string({
      nullable: true,
      description: 'Used for server-to-server calls when set.',
      resolve: (p) => p.gitea?.giteaInternalUrl ?? null,
    }),
    clientId: t.string({ nullable: true, resolve: (p) => p.gitea?.clientId ?? null }),
    redirectUri: t.string({ nullable: true, resolve: (p) => p.gitea?.redirectUri ?? null }),
    scopes: t.string({ resolve: (p) => p.gitea?.scopes ?? 'repo,repo:status,read:user,read:org' }),
    expiresAt: t.field({ type: 'DateTime', nullable: true, description: 'When the access token expires.', resolve: (p) => p.gitea?.expiresAt ?? null }),
    hasClientSecret: t.boolean({ resolve: (p) => hasSecret(p, 'clientSecret') }),
    hasAccessToken: t.boolean({ resolve: (p) => hasSecret(p, 'accessToken') }),
    hasRefreshToken: t.boolean({ resolve: (p) => hasSecret(p, 'refreshToken') }),
  }),
});

const CreateGiteaProviderInput = builder.inputType('CreateGiteaProviderInput', {
  fields: (t) => ({
    name: t.field({ type: 'NonEmptyString', required: true }),
    sharedWithOrganization: t.boolean({ description: 'Default false: only the creator, owners and admins see it.' }),
    giteaUrl: t.field({ type: 'URL', required: true }),
    giteaInternalUrl: t.field({ type: 'URL' }),
    clientId: t.string(),
    clientSecret: t.string(),
    redirectUri: t.field({ type: 'URL', description: 'PUBLIC_URL/api/gitea/callback.' }),
    accessToken: t.string(),
    refreshToken: t.string(),
    expiresAt: t.field({ type: 'DateTime' }),
    scopes: t.string({ description: 'Default repo,repo:status,read:user,read:org.' }),
  }),
});

const UpdateGiteaProviderInput = builder.inputType('UpdateGiteaProviderInput', {
  fields: (t) => ({
    id: t.id({ required: true }),
    name: t.field({ type: 'NonEmptyString' }),
    sharedWithOrganization: t.boolean(),
    giteaUrl: t.field({ type: 'URL' }),
    giteaInternalUrl: t.field({ type: 'URL' }),
    clientId: t.string(),
    clientSecret: t.string(),
    redirectUri: t.field({ type: 'URL' }),
    accessToken: t.string(),
    refreshToken: t.string(),
    expiresAt: t.field({ type: 'DateTime' }),
    scopes: t.string(),
  }),
});

defineProviderMutations('GITEA', GiteaProvider, CreateGiteaProviderInput, UpdateGiteaProviderInput);
