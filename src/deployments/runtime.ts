import type { PrismaClient } from '../generated/prisma/client.js';
import type { Logger } from '../logger.js';
import type { AddressPolicy } from '../providers/http/address-policy.js';
import type { ForgeAccessDeps } from '../resolvers/forge-access.js';
import type { DeploymentEvents } from './events.js';
import { JobQueue, type JobConnection } from './job-queue.js';
import { recoverLostDeployments } from './recovery.js';
import { runDeploymentJob, type RunnerDeps } from './run-deployment.js';
import type { DeploySettings } from './settings.js';
import { removeLeftoverWorkspaces } from './workspace.js';
import { processDelivery } from '../webhooks/process-delivery.js';

/** Webhook deliveries an instance takes from the queue at once: each is a few queries and at most a forge call or two. */
const WEBHOOK_BATCH = 20;

export interface RuntimeOptions {
  db: PrismaClient;
  logger: Logger;
  forge: ForgeAccessDeps;
  policy: AddressPolicy;
  settings: DeploySettings;
  events: DeploymentEvents;
  jobConnection: JobConnection;
  /** The embedded database belongs to this process alone: whatever was running when it opened has no worker. */
  exclusiveDatabase: boolean;
}

/**
 * Deployments in this process: the queue (always, to accept deployments and webhook deliveries), and unless told
 * otherwise the workers that run deployments and process deliveries, and the sweep that recovers deployments
 * whose worker died.
 */
export class DeploymentRuntime {
  readonly queue: JobQueue;
  private readonly deps: RunnerDeps;
  private sweep: NodeJS.Timeout | undefined;

  constructor(private readonly options: RuntimeOptions) {
    const { settings } = options;
    this.queue = new JobQueue(options.jobConnection, options.logger, {
      expireInSeconds: Math.ceil((settings.fetchTimeoutMs + settings.buildTimeoutMs) / 1000) + 600,
      pollingIntervalSeconds: settings.pollingIntervalSeconds,
    });
    this.deps = {
      db: options.db,
      queue: this.queue,
      pubsub: options.events.pubsub,
      forge: options.forge,
      policy: options.policy,
      settings,
      running: new Map(),
    };
  }

  get pubsub() {
    return this.options.events.pubsub;
  }

  async start({ workers = true }: { workers?: boolean } = {}): Promise<void> {
    await this.queue.start();
    if (!workers) return;
    const { settings } = this.options;
    await this.recover(this.options.exclusiveDatabase ? new Date() : new Date(Date.now() - settings.staleAfterMs));
    await removeLeftoverWorkspaces(settings.workspaceRoot, async (ids) => {
      const running = await this.options.db.deployment.findMany({ where: { id: { in: ids }, status: 'RUNNING' }, select: { id: true } });
      return new Set(running.map((d) => d.id));
    });
    await this.queue.work(settings.concurrency, ({ deploymentId }) => runDeploymentJob(this.deps, deploymentId));
    const webhooks = { db: this.options.db, forge: this.options.forge, deployments: this, logger: this.options.logger };
    await this.queue.workWebhooks(WEBHOOK_BATCH, ({ webhookDeliveryId }) => processDelivery(webhooks, webhookDeliveryId));
    this.sweep = setInterval(() => void this.recover(new Date(Date.now() - settings.staleAfterMs)), Math.max(1_000, Math.floor(settings.staleAfterMs / 2)));
    this.sweep.unref();
  }

  /** Stops a deployment running in this process at once (other instances learn of it from its heartbeat). */
  cancelLocal(deploymentId: string): void {
    this.deps.running.get(deploymentId)?.abort();
  }

  /**
   * Stops taking jobs and waits for running deployments up to `timeoutSeconds`; one still running after that
   * is recovered by another instance, or by this one when it starts again.
   */
  async stop(timeoutSeconds = 30): Promise<void> {
    clearInterval(this.sweep);
    await this.queue.stop(timeoutSeconds);
    await this.options.events.close();
  }

  private async recover(staleBefore: Date) {
    try {
      const recovered = await recoverLostDeployments(this.deps, { staleBefore, maxAttempts: this.options.settings.maxAttempts });
      if (recovered) this.options.logger.warn({ recovered }, 'deployments whose worker stopped were queued again or failed');
    } catch (error) {
      this.options.logger.error({ err: error }, 'could not recover lost deployments');
    }
  }
}
