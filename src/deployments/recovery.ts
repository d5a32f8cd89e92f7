import { announce, appendLog, wakeNextQueued, type StoreDeps } from './deployment-store.js';

/**
 * Deployments whose worker died (process killed, machine lost) stop sending heartbeats. Each one is queued
 * again to run from the start, at the commit it had resolved, until it has had `maxAttempts` runs; then it
 * fails, saying why. The change is conditional on the heartbeat read, so two instances sweeping at once
 * recover a deployment once.
 */
export async function recoverLostDeployments(deps: StoreDeps, options: { staleBefore: Date; maxAttempts: number }): Promise<number> {
  const lost = await deps.db.deployment.findMany({
    where: { status: 'RUNNING', OR: [{ heartbeatAt: { lt: options.staleBefore } }, { heartbeatAt: null }] },
    select: { id: true, attempt: true, heartbeatAt: true, applicationId: true, organizationId: true },
  });
  let recovered = 0;
  for (const deployment of lost) {
    const again = deployment.attempt < options.maxAttempts;
    const changed = await deps.db.$transaction(async (tx) => {
      const { count } = await tx.deployment.updateMany({
        where: { id: deployment.id, status: 'RUNNING', attempt: deployment.attempt, heartbeatAt: deployment.heartbeatAt },
        data: again
          ? { status: 'QUEUED', heartbeatAt: null }
          : { status: 'FAILED', heartbeatAt: null, finishedAt: new Date(), message: `The worker running this deployment stopped ${deployment.attempt} times; giving up` },
      });
      if (count === 0) return false;
      if (again) await deps.queue.enqueueDeployment(tx, deployment.id);
      else await wakeNextQueued(tx, deps.queue, deployment.applicationId);
      return true;
    });
    if (!changed) continue;
    recovered += 1;
    await appendLog(
      deps,
      deployment.id,
      null,
      again
        ? `\nThe worker running this deployment stopped (the service restarted or its instance was lost); it is queued to run again\n`
        : `\nThe worker running this deployment stopped ${deployment.attempt} times; giving up\n`,
    );
    await announce(deps, deployment, again ? 'QUEUED' : 'FAILED');
  }
  return recovered;
}
