import type { ConnectionTestResult } from '../resolvers/forge-access.js';
import { findGitProvider } from '../resolvers/git-providers.js';
import { NotFoundError } from '../resolvers/errors.js';
import { builder } from './builder.js';
import { mutationErrors } from './errors.js';
import { forgeErrors } from './forge-errors.js';
import { GitProviderRef, providerIdFrom } from './git-provider.js';

const RateLimit = builder.objectRef<NonNullable<ConnectionTestResult['rateLimit']>>('RateLimit').implement({
  fields: (t) => ({
    limit: t.exposeInt('limit', { nullable: true }),
    remaining: t.exposeInt('remaining', { nullable: true }),
    resetAt: t.expose('resetAt', { type: 'DateTime', nullable: true }),
  }),
});

const ConnectionReport = builder.objectRef<ConnectionTestResult>('ConnectionReport').implement({
  description: 'What the forge said about these credentials.',
  fields: (t) => ({
    ok: t.boolean({ resolve: () => true }),
    identity: t.exposeString('identity', { description: 'GitHub App slug, GitLab/Gitea user, Bitbucket account.' }),
    account: t.exposeString('account', {
      nullable: true,
      description: 'GitHub installation account, Bitbucket workspace, GitLab groups in use.',
    }),
    permissions: t.exposeStringList('permissions', { nullable: true, description: 'Permissions or scopes granted, where the forge says.' }),
    repositoryCount: t.exposeInt('repositoryCount', { nullable: true }),
    hasRepositories: t.exposeBoolean('hasRepositories'),
    rateLimit: t.field({ type: RateLimit, nullable: true, resolve: (report) => report.rateLimit }),
    warnings: t.exposeStringList('warnings'),
    roundTripMs: t.exposeInt('roundTripMs', { description: 'Milliseconds the whole check took.' }),
    checkedAt: t.expose('checkedAt', { type: 'DateTime' }),
  }),
});

const ConnectionCheck = builder
  .objectRef<{ checkedAt: Date; ok: boolean; errorCode: string | null; message: string | null }>('ConnectionCheck')
  .implement({
    description: 'The outcome of the last testGitProviderConnection.',
    fields: (t) => ({
      checkedAt: t.expose('checkedAt', { type: 'DateTime' }),
      ok: t.exposeBoolean('ok'),
      errorCode: t.exposeString('errorCode', { nullable: true }),
      message: t.exposeString('message', { nullable: true }),
    }),
  });

builder.prismaInterfaceField(GitProviderRef, 'lastConnectionCheck', (t) =>
  t.field({
    type: ConnectionCheck,
    nullable: true,
    select: { lastCheckedAt: true, lastCheckOk: true, lastCheckErrorCode: true, lastCheckMessage: true },
    // The field's `select` loads these columns; the interface's parent type does not carry them in its TypeScript shape.
    resolve: (provider) => {
      const p = provider as unknown as { lastCheckedAt: Date | null; lastCheckOk: boolean | null; lastCheckErrorCode: string | null; lastCheckMessage: string | null };
      return p.lastCheckedAt
        ? { checkedAt: p.lastCheckedAt, ok: p.lastCheckOk ?? false, errorCode: p.lastCheckErrorCode, message: p.lastCheckMessage }
        : null;
    },
  }),
);

const TestGitProviderConnectionSuccess = builder
  .objectRef<{ report: ConnectionTestResult; providerId: string }>('TestGitProviderConnectionSuccess')
  .implement({
    fields: (t) => ({
      report: t.field({ type: ConnectionReport, resolve: (result) => result.report }),
      gitProvider: t.prismaField({
        type: GitProviderRef,
        description: 'The provider, with its refreshed lastConnectionCheck.',
        resolve: async (query, result, _args, ctx) => {
          const provider = await findGitProvider(ctx, ctx.viewer, result.providerId, query);
          if (!provider) throw new NotFoundError('Git provider');
          return provider;
        },
      }),
    }),
  });

const TestGitProviderConnectionInput = builder.inputType('TestGitProviderConnectionInput', {
  fields: (t) => ({ id: t.id({ required: true }) }),
});

builder.mutationField('testGitProviderConnection', (t) =>
  t.field({
    type: TestGitProviderConnectionSuccess,
    description: 'Calls the forge with the provider’s credentials and reports what it says; records the outcome in lastConnectionCheck.',
    errors: { types: [...mutationErrors, ...forgeErrors], directResult: true },
    args: { input: t.arg({ type: TestGitProviderConnectionInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const { id } = providerIdFrom(input.id);
      return { report: await ctx.forge.testConnection(id), providerId: id };
    },
  }),
);
