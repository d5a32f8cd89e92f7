import { TriggerType } from '../generated/prisma/enums.js';
import type { Prisma } from '../generated/prisma/client.js';
import { countApplications, createApplication, findApplication, listApplications, removeApplication, updateApplication } from '../resolvers/applications.js';
import { findGitProvider } from '../resolvers/git-providers.js';
import { builder } from './builder.js';
import { mutationErrors } from './errors.js';
import { forgeErrors } from './forge-errors.js';
import { GitProviderRef, providerIdFrom } from './git-provider.js';
import { decodeIdOf } from './global-id.js';

export const TriggerTypeEnum = builder.enumType(TriggerType, {
  name: 'TriggerType',
  description: 'What deploys an application automatically: a push to its branch, or a new tag.',
});

export const ApplicationRef = builder.prismaNode('Application', {
  description: 'A repository and branch of a Git provider that the organization deploys.',
  id: { field: 'id' },
  findUnique: (id, ctx) => ({ id, organizationId: ctx.viewer.organizationId }) as Prisma.ApplicationWhereUniqueInput,
  fields: (t) => ({
    name: t.exposeString('name'),
    repository: t.exposeString('repository', { description: 'The forge’s name of the repository, as `repositories` lists it (fullName).' }),
    branch: t.exposeString('branch'),
    buildCommand: t.exposeString('buildCommand', {
      nullable: true,
      description: 'Run with `sh -c` in the checkout, with a clean environment and a time limit; none: the deployment only fetches the source.',
    }),
    autoDeploy: t.exposeBoolean('autoDeploy', { description: 'Whether pushes (or tags, per triggerType) deploy it.' }),
    triggerType: t.expose('triggerType', { type: TriggerTypeEnum }),
    watchPaths: t.exposeStringList('watchPaths', { description: 'Globs: a push deploys only when a changed file matches one (none: every push).' }),
    previews: t.exposeBoolean('previews', { description: 'Whether pull/merge requests get preview deployments.' }),
    gitProvider: t.prismaField({
      type: GitProviderRef,
      nullable: true,
      description: 'Null when the provider was removed (see detached), or when it is another member’s private provider.',
      select: { gitProviderId: true },
      resolve: (query, application, _args, ctx) => (application.gitProviderId ? findGitProvider(ctx, ctx.viewer, application.gitProviderId, query) : null),
    }),
    canDeploy: t.boolean({
      description: 'False while the application has no Git provider.',
      select: { gitProviderId: true },
      resolve: (application) => application.gitProviderId !== null,
    }),
    detached: t.boolean({
      description: 'Its Git provider was removed with force: it keeps its history but cannot deploy until given a provider again (updateApplication).',
      select: { gitProviderId: true },
      resolve: (application) => application.gitProviderId === null,
    }),
    detachedAt: t.expose('detachedAt', { type: 'DateTime', nullable: true }),
    detachedProviderName: t.exposeString('detachedProviderName', { nullable: true, description: 'The name of the provider it had.' }),
    creator: t.relation('creator', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

export const applicationId = (globalId: string | number) => decodeIdOf(globalId, ['Application'], 'Application').id;

builder.queryFields((t) => ({
  applications: t.prismaConnection(
    {
      type: ApplicationRef,
      cursor: 'id',
      description: 'The applications of the active organization, oldest first.',
      resolve: (query, _root, _args, ctx) => listApplications(ctx.db, ctx.viewer, query),
      totalCount: (_connection, _args, ctx) => countApplications(ctx.db, ctx.viewer),
    },
    { name: 'ApplicationConnection' },
    { name: 'ApplicationEdge' },
  ),
  application: t.prismaField({
    type: ApplicationRef,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, args, ctx) => {
      const decoded = decodeOrNull(() => applicationId(args.id));
      return decoded ? findApplication(ctx.db, ctx.viewer, decoded, query) : null;
    },
  }),
}));

const CreateApplicationInput = builder.inputType('CreateApplicationInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    gitProviderId: t.id({ required: true, description: 'A provider the caller may use: any of the organization’s for owners and admins; own or shared ones for members.' }),
    repository: t.string({ required: true, description: 'As `repositories` returns it: GitHub/Gitea owner/name, GitLab path with namespace or project id, Bitbucket workspace/slug.' }),
    branch: t.string({ required: true }),
    buildCommand: t.string(),
    autoDeploy: t.boolean({ description: 'Default true.' }),
    triggerType: t.field({ type: TriggerTypeEnum, description: 'Default PUSH.' }),
    watchPaths: t.stringList({ description: 'Globs (picomatch; `!` excludes). Default: none, every push deploys.' }),
    previews: t.boolean({ description: 'Default false.' }),
  }),
});

const UpdateApplicationInput = builder.inputType('UpdateApplicationInput', {
  description: 'Only the fields given change; buildCommand: null removes it.',
  fields: (t) => ({
    id: t.id({ required: true }),
    name: t.string(),
    gitProviderId: t.id({ description: 'Gives a detached application a provider again, or moves it to another.' }),
    repository: t.string(),
    branch: t.string(),
    buildCommand: t.string(),
    autoDeploy: t.boolean(),
    triggerType: t.field({ type: TriggerTypeEnum }),
    watchPaths: t.stringList(),
    previews: t.boolean(),
  }),
});

const RemoveApplicationInput = builder.inputType('RemoveApplicationInput', { fields: (t) => ({ id: t.id({ required: true }) }) });

const RemoveApplicationSuccess = builder.objectRef<{ removedId: string }>('RemoveApplicationSuccess').implement({
  fields: (t) => ({ removedId: t.exposeID('removedId') }),
});

builder.mutationFields((t) => ({
  createApplication: t.prismaField({
    type: ApplicationRef,
    description: 'Creates an application once the forge confirmed, through the provider, that the repository and branch exist.',
    errors: { types: [...mutationErrors, ...forgeErrors], dataField: { name: 'application' } },
    args: { input: t.arg({ type: CreateApplicationInput, required: true }) },
    resolve: (query, _root, { input }, ctx) =>
      createApplication(ctx, ctx.viewer, { ...input, gitProviderId: providerIdFrom(input.gitProviderId).id }, query),
  }),
  updateApplication: t.prismaField({
    type: ApplicationRef,
    errors: { types: [...mutationErrors, ...forgeErrors], dataField: { name: 'application' } },
    args: { input: t.arg({ type: UpdateApplicationInput, required: true }) },
    resolve: (query, _root, { input }, ctx) => {
      const { id, gitProviderId, ...rest } = input;
      return updateApplication(ctx, ctx.viewer, applicationId(id), { ...rest, ...(gitProviderId == null ? {} : { gitProviderId: providerIdFrom(gitProviderId).id }) }, query);
    },
  }),
  removeApplication: t.field({
    type: RemoveApplicationSuccess,
    description: 'Deletes the application and its deployments; one running is stopped.',
    errors: { types: mutationErrors, directResult: true },
    args: { input: t.arg({ type: RemoveApplicationInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      await removeApplication(ctx, ctx.viewer, applicationId(input.id));
      return { removedId: String(input.id) };
    },
  }),
}));

/** A global ID's database id, or null when it is malformed or of another type. */
export function decodeOrNull<T>(decode: () => T): T | null {
  try {
    return decode();
  } catch {
    return null;
  }
}
