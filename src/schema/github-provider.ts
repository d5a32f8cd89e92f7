import { visibleProviders } from '../resolvers/git-providers.js';
import { builder } from './builder.js';
import { defineProviderMutations, GitProviderRef } from './git-provider.js';
import { hasSecret, secretsSelection } from './provider-secrets.js';

export const GitHubProvider = builder.prismaNode('GitProvider', {
  variant: 'GitHubProvider',
  description: 'A GitHub App on github.com or GitHub Enterprise.',
  interfaces: [GitProviderRef],
  id: { field: 'id' },
  findUnique: (id, ctx) => ({ ...visibleProviders(ctx.viewer), id, providerType: 'GITHUB' }),
  select: { id: true, providerType: true, github: true, ...secretsSelection },
  fields: (t) => ({
    githubAppName: t.string({ nullable: true, resolve: (p) => p.github?.githubAppName ?? null }),
    githubAppId: t.int({ nullable: true, resolve: (p) => p.github?.githubAppId ?? null }),
    githubClientId: t.string({ nullable: true, resolve: (p) => p.github?.githubClientId ?? null }),
    githubInstallationId: t.string({ nullable: true, resolve: (p) => p.github?.githubInstallationId ?? null }),
    githubUrl: t.string({
      description: 'https://github.com, or the Enterprise Server host.',
      resolve: (p) => p.github?.githubUrl ?? 'https://github.com',
    }),
    hasClientSecret: t.boolean({ resolve: (p) => hasSecret(p, 'githubClientSecret') }),
    hasPrivateKey: t.boolean({ resolve: (p) => hasSecret(p, 'githubPrivateKey') }),
    hasWebhookSecret: t.boolean({ resolve: (p) => hasSecret(p, 'githubWebhookSecret') }),
  }),
});

const CreateGitHubProviderInput = builder.inputType('CreateGitHubProviderInput', {
  fields: (t) => ({
    name: t.field({ type: 'NonEmptyString', required: true }),
    sharedWithOrganization: t.boolean({ description: 'Default false: only the creator, owners and admins see it.' }),
    githubAppName: t.string(),
    githubAppId: t.int({ description: 'A positive integer.' }),
    githubClientId: t.string(),
    githubClientSecret: t.string(),
    githubInstallationId: t.string(),
    githubPrivateKey: t.string({ description: 'The App’s PEM private key.' }),
    githubWebhookSecret: t.string(),
    githubUrl: t.field({ type: 'URL', description: 'Default https://github.com; the host of a GitHub Enterprise Server.' }),
  }),
});

const UpdateGitHubProviderInput = builder.inputType('UpdateGitHubProviderInput', {
  fields: (t) => ({
    id: t.id({ required: true }),
    name: t.field({ type: 'NonEmptyString' }),
    sharedWithOrganization: t.boolean(),
    githubAppName: t.string(),
    githubAppId: t.int({ description: 'A positive integer.' }),
    githubClientId: t.string(),
    githubClientSecret: t.string(),
    githubInstallationId: t.string(),
    githubPrivateKey: t.string(),
    githubWebhookSecret: t.string(),
    githubUrl: t.field({ type: 'URL' }),
  }),
});

defineProviderMutations('GITHUB', GitHubProvider, CreateGitHubProviderInput, UpdateGitHubProviderInput);
