import type { Prisma, PrismaClient } from '../generated/prisma/client.js';
import type { DeploymentStatus } from '../generated/prisma/enums.js';
import type { DeploymentEvent, DeploymentPubSub } from './events.js';
import type { JobQueue } from './job-queue.js';

/** What the deployment runtime writes with: every state change is committed first, then announced. */
export interface StoreDeps {
  db: PrismaClient;
  queue: JobQueue;
  pubsub: DeploymentPubSub;
}

export interface ClaimedDeployment {
  id: string;
  applicationId: string;
  organizationId: string;
  ref: string;
  trigger: string;
  attempt: number;
  commitSha: string | null;
  commitMessage: string | null;
}

export type Claim = { kind: 'run'; deployment: ClaimedDeployment } | { kind: 'busy' } | { kind: 'done' };

/** How long a deployment waits before asking again while another of its application runs. */
export const BUSY_RETRY_SECONDS = 15;

const claimedSelect = {
  id: true,
  applicationId: true,
  organizationId: true,
  ref: true,
  trigger: true,
  attempt: true,
  commitSha: true,
  commitMessage: true,
  status: true,
  startedAt: true,
} as const;

/**
 * Takes a queued deployment for this worker. The application's row is locked while deciding, so two workers
 * (on any instances) can never both start deployments of one application: the one that finds another running,
 * or an older one still queued, leaves it queued and asks again later.
 */
export async function claimDeployment(deps: StoreDeps, deploymentId: string): Promise<Claim> {
  const claim = await deps.db.$transaction(async (tx) => {
    const found = await tx.deployment.findUnique({ where: { id: deploymentId }, select: { applicationId: true } });
    if (!found) return { kind: 'done' } as const;
    await tx.$queryRaw`SELECT id FROM "Application" WHERE id = ${found.applicationId} FOR UPDATE`;
    const deployment = await tx.deployment.findUnique({ where: { id: deploymentId }, select: { ...claimedSelect, createdAt: true } });
    if (!deployment || deployment.status !== 'QUEUED') return { kind: 'done' } as const;
    const ahead = await tx.deployment.findFirst({
      where: {
        applicationId: deployment.applicationId,
        id: { not: deployment.id },
        OR: [
          { status: 'RUNNING' },
          { status: 'QUEUED', createdAt: { lt: deployment.createdAt } },
          { status: 'QUEUED', createdAt: deployment.createdAt, id: { lt: deployment.id } },
        ],
      },
      select: { id: true },
    });
    if (ahead) {
      await deps.queue.enqueueDeployment(tx, deployment.id, { startAfterSeconds: BUSY_RETRY_SECONDS });
      return { kind: 'busy' } as const;
    }
    const now = new Date();
    const running = await tx.deployment.update({
      where: { id: deployment.id },
      data: { status: 'RUNNING', startedAt: deployment.startedAt ?? now, heartbeatAt: now, attempt: { increment: 1 } },
      select: claimedSelect,
    });
    return { kind: 'run', deployment: running } as const;
  });
  if (claim.kind === 'run') await announce(deps, claim.deployment, 'RUNNING');
  return claim;
}

/**
 * Marks the deployment alive. Answers whether this attempt still owns it (recovery may have handed it to another
 * worker after a long pause) and whether someone asked to cancel it.
 */
export async function heartbeat(deps: StoreDeps, id: string, attempt: number): Promise<{ owned: boolean; cancelRequested: boolean }> {
  const [row] = await deps.db.deployment.updateManyAndReturn({
    where: { id, status: 'RUNNING', attempt },
    data: { heartbeatAt: new Date() },
    select: { cancelRequestedAt: true },
  });
  if (!row) return { owned: false, cancelRequested: false };
  return { owned: true, cancelRequested: Boolean(row.cancelRequestedAt) };
}

/** Records the commit a running deployment resolved its ref to. */
export async function recordCommit(deps: StoreDeps, id: string, attempt: number, commit: { sha: string; message: string; author: string | null }) {
  await deps.db.deployment.updateMany({
    where: { id, status: 'RUNNING', attempt },
    data: { commitSha: commit.sha, commitMessage: commit.message, commitAuthor: commit.author },
  });
}

/**
 * Appends a chunk to the log, numbered after the last one, and announces it. `attempt` restricts the write to
 * the worker that owns the deployment; null writes regardless (recovery's own notes).
 */
export async function appendLog(deps: StoreDeps, id: string, attempt: number | null, text: string): Promise<boolean> {
  const bytes = Buffer.byteLength(text);
  const written = await deps.db.$transaction(async (tx) => {
    const where: Prisma.DeploymentWhereInput = attempt === null ? { id } : { id, status: 'RUNNING', attempt };
    const [row] = await tx.deployment.updateManyAndReturn({
      where,
      data: { logSequence: { increment: 1 }, logBytes: { increment: bytes } },
      select: { logSequence: true, status: true, applicationId: true, organizationId: true },
    });
    if (!row) return null;
    await tx.deploymentLogChunk.create({ data: { deploymentId: id, sequence: row.logSequence, text } });
    return row;
  });
  if (!written) return false;
  await publish(deps, {
    deploymentId: id,
    applicationId: written.applicationId,
    organizationId: written.organizationId,
    status: written.status,
    sequence: written.logSequence,
    logChunk: text,
    at: new Date().toISOString(),
  });
  return true;
}

/**
 * Ends a running deployment with its outcome, if this attempt still owns it, and wakes the application's next
 * queued deployment at once rather than at its next retry.
 */
export async function finishDeployment(
  deps: StoreDeps,
  deployment: ClaimedDeployment,
  outcome: { status: Extract<DeploymentStatus, 'SUCCEEDED' | 'FAILED' | 'CANCELLED'>; message: string | null },
): Promise<boolean> {
  const finished = await deps.db.$transaction(async (tx) => {
    const { count } = await tx.deployment.updateMany({
      where: { id: deployment.id, status: 'RUNNING', attempt: deployment.attempt },
      data: { status: outcome.status, message: outcome.message, finishedAt: new Date(), heartbeatAt: null },
    });
    if (count === 0) return false;
    await wakeNextQueued(tx, deps.queue, deployment.applicationId);
    return true;
  });
  if (finished) await announce(deps, deployment, outcome.status);
  return finished;
}

/** Enqueues the application's oldest queued deployment now (a duplicate job is harmless: claiming is once). */
export async function wakeNextQueued(tx: Prisma.TransactionClient, queue: JobQueue, applicationId: string): Promise<void> {
  const next = await tx.deployment.findFirst({ where: { applicationId, status: 'QUEUED' }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], select: { id: true } });
  if (next) await queue.enqueueDeployment(tx, next.id);
}

export function announce(deps: Pick<StoreDeps, 'pubsub'>, deployment: { id: string; applicationId: string; organizationId: string }, status: DeploymentStatus) {
  return publish(deps, {
    deploymentId: deployment.id,
    applicationId: deployment.applicationId,
    organizationId: deployment.organizationId,
    status,
    sequence: null,
    logChunk: null,
    at: new Date().toISOString(),
  });
}

async function publish(deps: Pick<StoreDeps, 'pubsub'>, event: DeploymentEvent) {
  // Events are a convenience on top of what is already written: a failed publish loses nothing.
  try {
    await deps.pubsub.publish('deploymentUpdated', event.applicationId, event);
  } catch {
    // Subscribers re-read the deployment on reconnect.
  }
}
