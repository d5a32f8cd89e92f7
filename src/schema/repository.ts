import type { BranchInfo, RepositoryInfo } from '../providers/types.js';
import { builder } from './builder.js';
import { forgeConnection } from './forge-connection.js';
import { asGraphQLForgeErrors } from './forge-errors.js';
import { GitProviderRef } from './git-provider.js';

const totalCountDescription = 'The size of the whole listing (after search), when the forge says or it was counted.';

export const Repository = builder.objectRef<RepositoryInfo>('Repository').implement({
  description: 'A repository the provider’s credentials reach, live from the forge.',
  fields: (t) => ({
    forgeId: t.exposeString('forgeId', { description: 'The forge’s own id (numeric id, or Bitbucket’s uuid).' }),
    name: t.exposeString('name'),
    fullName: t.exposeString('fullName', {
      description: 'GitHub/Gitea owner/name, GitLab path with namespace, Bitbucket workspace/slug: what `branches(repository:)` takes.',
    }),
    owner: t.exposeString('owner'),
    isPrivate: t.exposeBoolean('isPrivate'),
    defaultBranch: t.exposeString('defaultBranch', { nullable: true }),
    cloneUrl: t.exposeString('cloneUrl'),
    webUrl: t.exposeString('webUrl'),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', nullable: true }),
  }),
});

export const Branch = builder.objectRef<BranchInfo>('Branch').implement({
  fields: (t) => ({
    name: t.exposeString('name'),
    commitSha: t.exposeString('commitSha'),
    isProtected: t.exposeBoolean('isProtected'),
    isDefault: t.exposeBoolean('isDefault'),
  }),
});

builder.prismaInterfaceFields(GitProviderRef, (t) => ({
  repositories: t.connection(
    {
      type: Repository,
      // Nullable so that a forge failure here leaves the rest of the provider readable.
      nullable: true,
      description:
        'Repositories these credentials reach, live from the forge, every page of it. Forge failures are GraphQL errors whose extensions.code is a Forge…Error code.',
      args: { search: t.arg.string({ description: 'Filters by name (on the forge where it can, otherwise here).' }) },
      resolve: (provider, args, ctx) =>
        asGraphQLForgeErrors(() => forgeConnection(args, ({ offset, limit }) => ctx.forge.listRepositories(provider.id, { offset, limit, search: args.search ?? null }))),
    },
    { name: 'RepositoryConnection', fields: (c) => ({ totalCount: c.int({ nullable: true, description: totalCountDescription, resolve: (connection) => (connection as { totalCount?: number | null }).totalCount ?? null }) }) },
    { name: 'RepositoryEdge' },
  ),
  branches: t.connection(
    {
      type: Branch,
      nullable: true,
      description: 'Branches of one repository, live from the forge.',
      args: {
        repository: t.arg.string({ required: true, description: 'A repository’s fullName (GitLab also takes the numeric project id).' }),
        search: t.arg.string({ description: 'Filters by branch name.' }),
      },
      resolve: (provider, args, ctx) =>
        asGraphQLForgeErrors(() => forgeConnection(args, ({ offset, limit }) => ctx.forge.listBranches(provider.id, args.repository, { offset, limit, search: args.search ?? null }))),
    },
    { name: 'BranchConnection', fields: (c) => ({ totalCount: c.int({ nullable: true, description: totalCountDescription, resolve: (connection) => (connection as { totalCount?: number | null }).totalCount ?? null }) }) },
    { name: 'BranchEdge' },
  ),
}));
