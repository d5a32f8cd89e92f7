import { encodeGlobalID } from '@pothos/plugin-relay';
import type { GitProviderType as ProviderTypeValue } from '../generated/prisma/enums.js';
import { GitProviderType } from '../generated/prisma/enums.js';
import {
  countGitProviders,
  createGitProvider,
  findGitProvider,
  listGitProviders,
  removeGitProvider,
  updateGitProvider,
} from '../resolvers/git-providers.js';
import type { Context } from '../context.js';
import type { Prisma } from '../generated/prisma/client.js';
import { GitProviderInUseError } from '../resolvers/errors.js';
import { builder } from './builder.js';
import { ErrorInterface, mutationErrors } from './errors.js';
import { decodeIdOf } from './global-id.js';

export const GitProviderTypeEnum = builder.enumType(GitProviderType, {
  name: 'GitProviderType',
  description: 'Which forge a provider connects to.',
});

/** GraphQL type name of each provider variant; also the type part of its global ID. */
export const PROVIDER_TYPENAMES = {
  GITHUB: 'GitHubProvider',
  GITLAB: 'GitLabProvider',
  BITBUCKET: 'BitbucketProvider',
  GITEA: 'GiteaProvider',
} as const satisfies Record<ProviderTypeValue, string>;

const TYPE_OF_TYPENAME = Object.fromEntries(Object.entries(PROVIDER_TYPENAMES).map(([type, name]) => [name, type])) as Record<
  string,
  ProviderTypeValue
>;

export const GitProviderRef = builder.prismaInterface('GitProvider', {
  name: 'GitProvider',
  description: 'A connection of the organization to a Git forge. Secrets are write-only: only `has…` flags show whether they are set.',
  interfaces: [builder.nodeInterfaceRef()],
  select: { id: true, providerType: true },
  resolveType: (provider) => PROVIDER_TYPENAMES[provider.providerType],
  fields: (t) => ({
    id: t.globalID({ resolve: (provider) => ({ type: PROVIDER_TYPENAMES[provider.providerType], id: provider.id }) }),
    name: t.exposeString('name'),
    providerType: t.expose('providerType', { type: GitProviderTypeEnum }),
    sharedWithOrganization: t.exposeBoolean('sharedWithOrganization', {
      description: 'Whether members other than the creator may see and use this provider.',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    organization: t.relation('organization'),
    creator: t.relation('creator', { nullable: true, description: 'The user who created it; null once that user is deleted.' }),
  }),
});

/** Decodes a provider's global ID (of the expected forge, when given); anything else is a provider that does not exist. */
export function providerIdFrom(globalId: string | number, expected?: ProviderTypeValue): { id: string; type: ProviderTypeValue } {
  const typenames = expected ? [PROVIDER_TYPENAMES[expected]] : Object.values(PROVIDER_TYPENAMES);
  const { typename, id } = decodeIdOf(globalId, typenames, 'Git provider');
  return { id, type: TYPE_OF_TYPENAME[typename]! };
}

builder.queryFields((t) => ({
  gitProviders: t.prismaConnection(
    {
      type: GitProviderRef,
      cursor: 'id',
      description: 'The providers of the active organization the caller may see, oldest first.',
      args: { providerType: t.arg({ type: GitProviderTypeEnum, required: false }) },
      resolve: (query, _root, args, ctx) => listGitProviders(ctx, ctx.viewer, args, query),
      totalCount: (_connection, args, ctx) => countGitProviders(ctx, ctx.viewer, args),
    },
    { name: 'GitProviderConnection' },
    { name: 'GitProviderEdge' },
  ),
  gitProvider: t.prismaField({
    type: GitProviderRef,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: async (query, _root, args, ctx) => {
      const decoded = decodeProviderIdOrNull(String(args.id));
      return decoded ? findGitProvider(ctx, ctx.viewer, decoded.id, query) : null;
    },
  }),
}));

function decodeProviderIdOrNull(globalId: string) {
  try {
    return providerIdFrom(globalId);
  } catch {
    return null;
  }
}

const RemoveGitProviderInput = builder.inputType('RemoveGitProviderInput', {
  fields: (t) => ({
    id: t.id({ required: true }),
    force: t.boolean({
      defaultValue: false,
      description: 'Remove it even though applications use it: they are detached (they keep their history and cannot deploy until given a provider).',
    }),
  }),
});

builder.objectType(GitProviderInUseError, {
  name: 'GitProviderInUseError',
  description: 'Applications use the provider; remove them, move them to another provider, or remove it with force: true.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof GitProviderInUseError,
  fields: (t) => ({
    applications: t.prismaField({
      type: ['Application'],
      resolve: (query, error, _args, ctx) => applicationsByIds(ctx, error.applications, query),
    }),
  }),
});

type RemovedProvider = { removedId: string; revoked: boolean | null; detachedApplications: { id: string }[] };

const RemoveGitProviderSuccess = builder.objectRef<RemovedProvider>('RemoveGitProviderSuccess').implement({
  fields: (t) => ({
    removedId: t.exposeID('removedId'),
    detachedApplications: t.prismaField({
      type: ['Application'],
      description: 'Applications that used it, now detached (only with force).',
      resolve: (query, result, _args, ctx) => applicationsByIds(ctx, result.detachedApplications, query),
    }),
    revoked: t.exposeBoolean('revoked', {
      nullable: true,
      description:
        'Whether the forge revoked the provider’s OAuth tokens (GitLab: POST /oauth/revoke); false when it could not (Gitea has no ' +
        'revocation endpoint, a token without its OAuth application, or the forge failed); null when there was nothing to revoke.',
    }),
  }),
});

builder.mutationField('removeGitProvider', (t) =>
  t.field({
    type: RemoveGitProviderSuccess,
    description: 'Deletes a provider and its sealed secrets, and revokes its OAuth tokens where the forge allows it (best effort).',
    errors: { types: [...mutationErrors, GitProviderInUseError], directResult: true },
    args: { input: t.arg({ type: RemoveGitProviderInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const { id, type } = providerIdFrom(input.id);
      const removed = await removeGitProvider(ctx, ctx.viewer, id, { force: input.force ?? false });
      return { removedId: encodeGlobalID(PROVIDER_TYPENAMES[type], id), revoked: removed.revoked, detachedApplications: removed.detachedApplications };
    },
  }),
);

function applicationsByIds(ctx: Context, applications: { id: string }[], query: { include?: Prisma.ApplicationInclude; select?: Prisma.ApplicationSelect }) {
  return ctx.db.application.findMany({ ...query, where: { id: { in: applications.map((a) => a.id) }, organizationId: ctx.viewer.organizationId }, orderBy: { name: 'asc' } });
}

/** Turns GraphQL input (URL scalars, ids) into the plain values the service validates. */
function plainInput(input: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(input).map(([key, value]) => [key, value instanceof URL ? value.toString() : value]));
}

/** The create and update mutations of one forge's provider type; both answer `{ gitProvider }` or an Error. */
export function defineProviderMutations(
  type: ProviderTypeValue,
  ref: Parameters<typeof builder.prismaObjectField>[0],
  createInput: ReturnType<typeof builder.inputType>,
  updateInput: ReturnType<typeof builder.inputType>,
) {
  const typename = PROVIDER_TYPENAMES[type];
  builder.mutationField(`create${typename}`, (t) =>
    t.field({
      type: ref as never,
      description: `Creates a ${typename}; secrets are sealed and never returned.`,
      errors: { types: mutationErrors, dataField: { name: 'gitProvider' } },
      args: { input: t.arg({ type: createInput, required: true }) },
      resolve: (_root, { input }, ctx) => createGitProvider(ctx, ctx.viewer, type, plainInput(input as Record<string, unknown>)) as never,
    }),
  );
  builder.mutationField(`update${typename}`, (t) =>
    t.field({
      type: ref as never,
      description: 'Changes the fields sent: a field left out keeps its value, a secret sent as null is cleared.',
      errors: { types: mutationErrors, dataField: { name: 'gitProvider' } },
      args: { input: t.arg({ type: updateInput, required: true }) },
      resolve: (_root, { input }, ctx) => {
        const { id: globalId, ...fields } = input as Record<string, unknown>;
        const { id } = providerIdFrom(globalId as string, type);
        return updateGitProvider(ctx, ctx.viewer, type, id, plainInput(fields)) as never;
      },
    }),
  );
}
