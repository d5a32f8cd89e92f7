import PgBoss from 'pg-boss';
import type { Logger } from '../logger.js';

/** How pg-boss reaches the database: its own pool on PostgreSQL, or a function running SQL (embedded PGlite). */
export type JobConnection = { connectionString: string } | { executeSql: SqlExecutor };

export type SqlExecutor = (text: string, values?: unknown[]) => Promise<{ rows: unknown[] }>;

/** Runs SQL inside a caller's Prisma transaction (`tx.$queryRawUnsafe`), so a job commits with the rows it is about. */
export interface TransactionSql {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
}

export interface DeploymentJob {
  deploymentId: string;
}

export interface WebhookJob {
  webhookDeliveryId: string;
}

export const DEPLOYMENT_QUEUE = 'deployment';
export const WEBHOOK_QUEUE = 'webhook';

/** Retries of a job whose handler threw: about 10 s, 20 s, 40 s, … apart. */
const RETRIES = { retryLimit: 6, retryDelay: 10, retryBackoff: true } as const;

export interface JobQueueOptions {
  /** The most a job may run before pg-boss gives up on it; the worker's own limits are far shorter. */
  expireInSeconds: number;
  /** How often an idle worker asks for a job. */
  pollingIntervalSeconds: number;
}

/**
 * The durable, shared job queue: pg-boss on the service's own database (a `pgboss` schema beside the app's
 * tables). Jobs are claimed with `FOR UPDATE SKIP LOCKED`, so instances sharing a PostgreSQL never take the same
 * job; on the embedded database the same SQL runs on PGlite. pg-boss retries a job whose handler threw (the
 * database was unreachable): claiming a deployment is idempotent. A deployment whose worker died is recovered from
 * its heartbeat instead (recovery.ts), which knows the deployment rather than the job.
 */
export class JobQueue {
  private readonly boss: PgBoss;
  private started = false;

  constructor(
    connection: JobConnection,
    private readonly logger: Logger,
    private readonly options: JobQueueOptions,
  ) {
    const base = { schema: 'pgboss', supervise: true, schedule: false, migrate: true } as const;
    this.boss =
      'connectionString' in connection
        ? new PgBoss({ ...base, connectionString: connection.connectionString, max: 4 })
        : new PgBoss({ ...base, db: { executeSql: connection.executeSql } } as PgBoss.ConstructorOptions);
    this.boss.on('error', (error) => this.logger.error({ err: error }, 'job queue error'));
  }

  async start(): Promise<void> {
    await this.boss.start();
    this.started = true;
    for (const name of [DEPLOYMENT_QUEUE, WEBHOOK_QUEUE]) {
      if (await this.boss.getQueue(name)) continue;
      try {
        await this.boss.createQueue(name, { name, policy: 'standard', ...RETRIES, expireInSeconds: this.options.expireInSeconds });
      } catch (error) {
        // Another instance created it first.
        if (!(await this.boss.getQueue(name))) throw error;
      }
    }
  }

  /** Adds a job to run the deployment, inside the caller's transaction: the deployment and its job commit together. */
  async enqueueDeployment(tx: TransactionSql, deploymentId: string, options: { startAfterSeconds?: number } = {}): Promise<void> {
    const data: DeploymentJob = { deploymentId };
    await this.boss.send(DEPLOYMENT_QUEUE, data as object, {
      db: transactionExecutor(tx),
      ...RETRIES,
      expireInSeconds: this.options.expireInSeconds,
      ...(options.startAfterSeconds ? { startAfter: options.startAfterSeconds } : {}),
    });
  }

  /** Adds a job to process a stored webhook delivery, inside the transaction that stored it. */
  async enqueueWebhook(tx: TransactionSql, webhookDeliveryId: string): Promise<void> {
    const data: WebhookJob = { webhookDeliveryId };
    await this.boss.send(WEBHOOK_QUEUE, data as object, { db: transactionExecutor(tx), ...RETRIES, expireInSeconds: this.options.expireInSeconds });
  }

  /** Starts `concurrency` workers, each running one deployment job at a time. */
  async work(concurrency: number, handler: (job: DeploymentJob) => Promise<void>): Promise<void> {
    for (let i = 0; i < concurrency; i += 1) {
      await this.boss.work<DeploymentJob>(DEPLOYMENT_QUEUE, { batchSize: 1, pollingIntervalSeconds: this.options.pollingIntervalSeconds }, async ([job]) => {
        if (job) await handler(job.data);
      });
    }
  }

  /**
   * Starts a worker for webhook deliveries that takes up to `batchSize` at a time and processes them together: a
   * pg-boss worker waits its polling interval between fetches, so one job per fetch would cap a burst at a few
   * deliveries a second. If any of a batch throws, the batch is retried; processing a delivery again is harmless.
   */
  async workWebhooks(batchSize: number, handler: (job: WebhookJob) => Promise<void>): Promise<void> {
    await this.boss.work<WebhookJob>(WEBHOOK_QUEUE, { batchSize, pollingIntervalSeconds: this.options.pollingIntervalSeconds }, async (jobs) => {
      const results = await Promise.allSettled(jobs.map((job) => handler(job.data)));
      const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
      if (failed) throw failed.reason;
    });
  }

  /** Stops taking jobs and waits for the running ones (up to `timeoutSeconds`). */
  async stop(timeoutSeconds = 30): Promise<void> {
    if (!this.started) return;
    this.started = false;
    await this.boss.stop({ graceful: true, wait: true, timeout: timeoutSeconds * 1000 });
  }
}

function transactionExecutor(tx: TransactionSql): { executeSql: SqlExecutor } {
  return { executeSql: async (text, values = []) => ({ rows: await tx.$queryRawUnsafe<unknown[]>(text, ...values) }) };
}
