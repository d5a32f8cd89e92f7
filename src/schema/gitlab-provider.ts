import { visibleProviders } from '../resolvers/git-providers.js';
import { builder } from './builder.js';
import { defineProviderMutations, GitProviderRef } from './git-provider.js';
import { hasSecret, secretsSelection } from './provider-secrets.js';

export const GitLabProvider = builder.prismaNode('GitProvider', {
  variant: 'GitLabProvider',
  description: 'An OAuth application on gitlab.com or a self-managed GitLab.',
  interfaces: [GitProviderRef],
  id: { field: 'id' },
  findUnique: (id, ctx) => ({ ...visibleProviders(ctx.viewer), id, providerType: 'GITLAB' }),
  select: { id: true, providerType: true, gitlab: true, ...secretsSelection },
  fields: (t) => ({
    gitlabUrl: t.string({ resolve: (p) => p.gitlab?.gitlabUrl ?? 'https://gitlab.com' }),
    gitlabInternalUrl: t.string({
      nullable: true,
      description: 'Used for server-to-server calls when set (e.g. inside a Docker network).',
      resolve: (p) => p.gitlab?.gitlabInternalUrl ?? null,
    }),
    applicationId: t.string({ nullable: true, resolve: (p) => p.gitlab?.applicationId ?? null }),
    redirectUri: t.string({ nullable: true, resolve: (p) => p.gitlab?.redirectUri ?? null }),
    groupName: t.string({
      nullable: true,
      description: 'Restricts repositories to these groups (comma-separated, subgroups included).',
      resolve: (p) => p.gitlab?.groupName ?? null,
    }),
    expiresAt: t.field({ type: 'DateTime', nullable: true, description: 'When the access token expires.', resolve: (p) => p.gitlab?.expiresAt ?? null }),
    hasClientSecret: t.boolean({ description: 'Whether the application `secret` is set.', resolve: (p) => hasSecret(p, 'secret') }),
    hasAccessToken: t.boolean({ resolve: (p) => hasSecret(p, 'accessToken') }),
    hasRefreshToken: t.boolean({ resolve: (p) => hasSecret(p, 'refreshToken') }),
  }),
});

const CreateGitLabProviderInput = builder.inputType('CreateGitLabProviderInput', {
  fields: (t) => ({
    name: t.field({ type: 'NonEmptyString', required: true }),
    sharedWithOrganization: t.boolean({ description: 'Default false: only the creator, owners and admins see it.' }),
    gitlabUrl: t.field({ type: 'URL', description: 'Default https://gitlab.com.' }),
    gitlabInternalUrl: t.field({ type: 'URL' }),
    applicationId: t.string(),
    secret: t.string({ description: 'The OAuth application secret.' }),
    redirectUri: t.field({ type: 'URL', description: 'PUBLIC_URL/api/gitlab/callback.' }),
    groupName: t.string(),
    accessToken: t.string(),
    refreshToken: t.string(),
    expiresAt: t.field({ type: 'DateTime' }),
  }),
});

const UpdateGitLabProviderInput = builder.inputType('UpdateGitLabProviderInput', {
  fields: (t) => ({
    id: t.id({ required: true }),
    name: t.field({ type: 'NonEmptyString' }),
    sharedWithOrganization: t.boolean(),
    gitlabUrl: t.field({ type: 'URL' }),
    gitlabInternalUrl: t.field({ type: 'URL' }),
    applicationId: t.string(),
    secret: t.string(),
    redirectUri: t.field({ type: 'URL' }),
    groupName: t.string(),
    accessToken: t.string(),
    refreshToken: t.string(),
    expiresAt: t.field({ type: 'DateTime' }),
  }),
});

defineProviderMutations('GITLAB', GitLabProvider, CreateGitLabProviderInput, UpdateGitLabProviderInput);
