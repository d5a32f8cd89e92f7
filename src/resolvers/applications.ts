import type { Prisma, PrismaClient } from '../generated/prisma/client.js';
import { ForgeNotFoundError } from '../providers/errors.js';
import { checkBuildCommand, checkName, checkRef, checkRepository, checkWatchPaths, type ApplicationInput } from './application-input.js';
import { NotAllowedError, NotFoundError, ValidationError } from './errors.js';
import type { ForgeAccess } from './forge-access.js';
import { visibleProviders } from './git-providers.js';
import { isManager, type Viewer } from './viewer.js';
import { registerWebhook, releaseWebhook, type RegistrationDeps } from '../webhooks/registration.js';

export interface ApplicationDeps extends RegistrationDeps {
  db: PrismaClient;
  forge: ForgeAccess;
}

type Query = { include?: Prisma.ApplicationInclude; select?: Prisma.ApplicationSelect };

/** Every member sees the organization's applications. */
export function organizationApplications(viewer: Viewer): Prisma.ApplicationWhereInput {
  return { organizationId: viewer.organizationId };
}

export function listApplications(db: PrismaClient, viewer: Viewer, query: Query & { take?: number; skip?: number; cursor?: Prisma.ApplicationWhereUniqueInput }) {
  return db.application.findMany({ ...query, where: organizationApplications(viewer), orderBy: { id: 'asc' } });
}

export function countApplications(db: PrismaClient, viewer: Viewer) {
  return db.application.count({ where: organizationApplications(viewer) });
}

export function findApplication(db: PrismaClient, viewer: Viewer, id: string, query: Query = {}) {
  return db.application.findFirst({ ...query, where: { id, ...organizationApplications(viewer) } });
}

/**
 * Creates an application after asking the forge, through the provider, that the repository and branch exist.
 * The provider must be one the caller may use: an owner's or admin's pick of the organization's providers, or a
 * member's own or shared ones (not someone else's private provider).
 */
export async function createApplication(deps: ApplicationDeps, viewer: Viewer, input: ApplicationInput, query: Query = {}) {
  if (!input.name || !input.gitProviderId || !input.repository || !input.branch) {
    throw new ValidationError('name', 'name, gitProviderId, repository and branch are required');
  }
  const name = checkName(input.name);
  const branch = checkRef('branch', input.branch);
  const { provider, repository } = await checkedSource(deps, viewer, input.gitProviderId, checkRepository(input.repository), branch);
  const data = {
    name,
    repository,
    branch,
    gitProviderId: input.gitProviderId,
    organizationId: viewer.organizationId,
    userId: viewer.userId,
    buildCommand: checkBuildCommand(input.buildCommand ?? null),
    autoDeploy: input.autoDeploy ?? true,
    triggerType: input.triggerType ?? 'PUSH',
    watchPaths: checkWatchPaths(input.watchPaths ?? []),
    previews: input.previews ?? false,
  };
  let created;
  try {
    created = await deps.db.application.create({ ...query, data });
  } catch (error) {
    throw uniqueNameError(error, name);
  }
  await registerWebhook(deps, provider, repository);
  return created;
}

/**
 * Changes what is given. A new provider, repository or branch is checked at the forge again; giving a detached
 * application a provider attaches it.
 */
export async function updateApplication(deps: ApplicationDeps, viewer: Viewer, id: string, input: ApplicationInput, query: Query = {}) {
  const existing = await findApplication(deps.db, viewer, id);
  if (!existing) throw new NotFoundError('Application');
  assertMayChange(viewer, existing);
  for (const field of ['name', 'repository', 'branch', 'gitProviderId', 'autoDeploy', 'triggerType', 'previews'] as const) {
    if (input[field] === null) throw new ValidationError(field, `${field} cannot be cleared`);
  }
  const data: Prisma.ApplicationUncheckedUpdateInput = {};
  if (input.name !== undefined) data.name = checkName(input.name!);
  if (input.buildCommand !== undefined) data.buildCommand = checkBuildCommand(input.buildCommand);
  if (input.autoDeploy !== undefined) data.autoDeploy = input.autoDeploy!;
  if (input.triggerType !== undefined) data.triggerType = input.triggerType!;
  if (input.previews !== undefined) data.previews = input.previews!;
  if (input.watchPaths !== undefined) data.watchPaths = checkWatchPaths(input.watchPaths ?? []);
  const providerId = input.gitProviderId ?? existing.gitProviderId;
  const branch = input.branch !== undefined ? checkRef('branch', input.branch!) : existing.branch;
  const repository = input.repository !== undefined ? checkRepository(input.repository!) : existing.repository;
  const sourceChanged = input.gitProviderId !== undefined || input.repository !== undefined || input.branch !== undefined;
  let source: Awaited<ReturnType<typeof checkedSource>> | undefined;
  if (sourceChanged) {
    if (!providerId) throw new ValidationError('gitProviderId', 'The application has no Git provider; give it one (gitProviderId)');
    source = await checkedSource(deps, viewer, providerId, repository, branch);
    data.repository = source.repository;
    data.branch = branch;
    data.gitProviderId = providerId;
    data.detachedAt = null;
    data.detachedProviderName = null;
  }
  try {
    const { count } = await deps.db.application.updateMany({ where: { id, organizationId: viewer.organizationId }, data: data as Prisma.ApplicationUpdateManyMutationInput });
    if (count === 0) throw new NotFoundError('Application');
  } catch (error) {
    throw uniqueNameError(error, String(data.name ?? existing.name));
  }
  if (source) {
    await registerWebhook(deps, source.provider, source.repository);
    if (existing.gitProviderId) await releaseWebhook(deps, existing.gitProviderId, existing.repository);
  }
  return deps.db.application.findFirstOrThrow({ ...query, where: { id, organizationId: viewer.organizationId } });
}

/** Deletes the application with its deployments (a running one stops at its next heartbeat). */
export async function removeApplication(deps: ApplicationDeps, viewer: Viewer, id: string): Promise<string> {
  const existing = await findApplication(deps.db, viewer, id);
  if (!existing) throw new NotFoundError('Application');
  assertMayChange(viewer, existing);
  const { count } = await deps.db.application.deleteMany({ where: { id, organizationId: viewer.organizationId } });
  if (count === 0) throw new NotFoundError('Application');
  if (existing.gitProviderId) await releaseWebhook(deps, existing.gitProviderId, existing.repository);
  return id;
}

/** Owners and admins change any application; members the ones they created. */
function assertMayChange(viewer: Viewer, application: { userId: string | null }) {
  if (!isManager(viewer) && application.userId !== viewer.userId) {
    throw new NotAllowedError('Only owners, admins and the member who created an application may change or remove it');
  }
}

/**
 * The provider the caller may use and the repository's name as the forge gives it, once the forge confirmed the
 * repository and the branch through that provider.
 */
async function checkedSource(deps: ApplicationDeps, viewer: Viewer, providerId: string, repository: string, branch: string) {
  const provider = await deps.db.gitProvider.findFirst({ where: { id: providerId, ...visibleProviders(viewer) }, select: { id: true, providerType: true } });
  if (!provider) throw new NotFoundError('Git provider');
  let canonical: string;
  try {
    canonical = (await deps.forge.getRepository(providerId, repository)).fullName;
  } catch (error) {
    if (error instanceof ForgeNotFoundError) throw new ValidationError('repository', `Repository “${repository}” was not found through this provider`);
    throw error;
  }
  try {
    await deps.forge.resolveCommit(providerId, canonical, branch);
  } catch (error) {
    if (error instanceof ForgeNotFoundError) throw new ValidationError('branch', `Branch “${branch}” was not found in ${canonical}`);
    throw error;
  }
  return { provider, repository: canonical };
}

function uniqueNameError(error: unknown, name: string): unknown {
  if ((error as { code?: string }).code === 'P2002') return new ValidationError('name', `An application named “${name}” already exists in this organization`);
  return error;
}
