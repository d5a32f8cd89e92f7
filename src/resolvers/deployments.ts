import type { Prisma, PrismaClient } from '../generated/prisma/client.js';
import type { DeploymentTrigger } from '../generated/prisma/enums.js';
import { announce } from '../deployments/deployment-store.js';
import type { DeploymentPubSub } from '../deployments/events.js';
import type { JobQueue } from '../deployments/job-queue.js';
import { checkRef } from './application-input.js';
import { ApplicationDetachedError, NotFoundError, ValidationError } from './errors.js';
import type { Viewer } from './viewer.js';

/** What the API needs of the deployment runtime: the queue to add to, the events, and local cancel. */
export interface DeploymentControl {
  queue: JobQueue;
  pubsub: DeploymentPubSub;
  cancelLocal(deploymentId: string): void;
}

export interface DeploymentDeps {
  db: PrismaClient;
  deployments: DeploymentControl;
}

type Query = { include?: Prisma.DeploymentInclude; select?: Prisma.DeploymentSelect };

export function organizationDeployments(viewer: Viewer): Prisma.DeploymentWhereInput {
  return { organizationId: viewer.organizationId };
}

export function findDeployment(db: PrismaClient, viewer: Viewer, id: string, query: Query = {}) {
  return db.deployment.findFirst({ ...query, where: { id, ...organizationDeployments(viewer) } });
}

/** Newest first. */
export function listDeployments(
  db: PrismaClient,
  viewer: Viewer,
  applicationId: string,
  query: Query & { take?: number; skip?: number; cursor?: Prisma.DeploymentWhereUniqueInput },
) {
  return db.deployment.findMany({ ...query, where: { applicationId, ...organizationDeployments(viewer) }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
}

/**
 * Queues a deployment of the application at `ref` (default: its branch) and returns at once. Queued deployments
 * of the same application and ref that have not started are superseded: they end CANCELLED, since the new one
 * deploys what they would have, or newer.
 */
export async function deployApplication(
  deps: DeploymentDeps,
  viewer: Viewer,
  input: { applicationId: string; ref?: string | null },
  query: Query = {},
) {
  const application = await deps.db.application.findFirst({ where: { id: input.applicationId, organizationId: viewer.organizationId } });
  if (!application) throw new NotFoundError('Application');
  if (!application.gitProviderId) throw new ApplicationDetachedError(application.name);
  const ref = input.ref == null ? application.branch : checkRef('ref', input.ref.trim());
  const deployment = await queueDeployment(deps, application, { ref, trigger: 'MANUAL', userId: viewer.userId });
  return query.select || query.include ? deps.db.deployment.findUniqueOrThrow({ ...query, where: { id: deployment.id } }) : deployment;
}

export interface QueuedDeploymentInput {
  ref: string;
  trigger: DeploymentTrigger;
  userId?: string | null;
  /** The commit, when the caller already knows it (a push names it): the worker then does not resolve `ref`. */
  commit?: { sha: string; message: string | null; author: string | null } | null;
  webhookDeliveryId?: string | null;
  previewId?: string | null;
}

/**
 * Writes a QUEUED deployment and its job in one transaction, superseding the application's queued deployments
 * of the same ref (and, for a preview, of the same preview), then announces the changes.
 */
export async function queueDeployment(
  deps: DeploymentDeps,
  application: { id: string; organizationId: string },
  input: QueuedDeploymentInput,
) {
  const write = async (db: Prisma.TransactionClient) => {
    // A webhook delivery processed again (its job retried) starts nothing twice.
    if (input.webhookDeliveryId) {
      const already = await db.deployment.findFirst({ where: { applicationId: application.id, webhookDeliveryId: input.webhookDeliveryId, previewId: input.previewId ?? null } });
      if (already) return { deployment: already, superseded: [] };
    }
    const sameTarget: Prisma.DeploymentWhereInput = input.previewId ? { previewId: input.previewId } : { ref: input.ref, previewId: null };
    const superseded = await db.deployment.findMany({ where: { applicationId: application.id, status: 'QUEUED', ...sameTarget }, select: { id: true } });
    const created = await db.deployment.create({
      data: {
        applicationId: application.id,
        organizationId: application.organizationId,
        trigger: input.trigger,
        ref: input.ref,
        userId: input.userId ?? null,
        commitSha: input.commit?.sha ?? null,
        commitMessage: input.commit?.message ?? null,
        commitAuthor: input.commit?.author ?? null,
        webhookDeliveryId: input.webhookDeliveryId ?? null,
        previewId: input.previewId ?? null,
      },
    });
    if (superseded.length) {
      await db.deployment.updateMany({
        where: { id: { in: superseded.map((d) => d.id) }, status: 'QUEUED' },
        data: { status: 'CANCELLED', finishedAt: new Date(), message: `Superseded by a newer deployment of ${input.ref}` },
      });
    }
    await deps.deployments.queue.enqueueDeployment(db, created.id);
    return { deployment: created, superseded };
  };
  const { deployment, superseded } = await deps.db.$transaction(write);
  for (const old of superseded) await announce(deps.deployments, { id: old.id, applicationId: application.id, organizationId: application.organizationId }, 'CANCELLED');
  await announce(deps.deployments, deployment, 'QUEUED');
  return deployment;
}

/**
 * A queued deployment ends CANCELLED at once. A running one is asked to stop: the worker running it (here or on
 * another instance, at its next heartbeat) kills the build and ends it CANCELLED.
 */
export async function cancelDeployment(deps: DeploymentDeps, viewer: Viewer, id: string, query: Query = {}) {
  const deployment = await findDeployment(deps.db, viewer, id);
  if (!deployment) throw new NotFoundError('Deployment');
  if ((await stopDeployment(deps, deployment, 'Cancelled before it started')) === 'ended') {
    const ended = await deps.db.deployment.findUniqueOrThrow({ where: { id }, select: { status: true } });
    throw new ValidationError('id', `The deployment already ended (${ended.status})`);
  }
  return deps.db.deployment.findUniqueOrThrow({ ...query, where: { id } });
}

/**
 * Stops one deployment: queued, it ends CANCELLED with `message` (announced); running, its worker is asked to
 * stop; already ended, nothing changes. Each step is conditional, so a deployment starting meanwhile is caught.
 */
export async function stopDeployment(
  deps: DeploymentDeps,
  deployment: { id: string; applicationId: string; organizationId: string },
  message: string,
): Promise<'cancelled' | 'stopping' | 'ended'> {
  const now = new Date();
  const queued = await deps.db.deployment.updateMany({
    where: { id: deployment.id, status: 'QUEUED' },
    data: { status: 'CANCELLED', finishedAt: now, message, cancelRequestedAt: now },
  });
  if (queued.count === 1) {
    await announce(deps.deployments, deployment, 'CANCELLED');
    return 'cancelled';
  }
  const running = await deps.db.deployment.updateMany({ where: { id: deployment.id, status: 'RUNNING' }, data: { cancelRequestedAt: now } });
  if (running.count === 0) return 'ended';
  deps.deployments.cancelLocal(deployment.id);
  return 'stopping';
}
