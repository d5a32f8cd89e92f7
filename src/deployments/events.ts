import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { createPubSub, type PubSub } from 'graphql-yoga';
import { Redis } from 'ioredis';
import type { DeploymentStatus } from '../generated/prisma/enums.js';
import type { Logger } from '../logger.js';

/** One change of a deployment as subscribers see it: a new status, or a new piece of its log. */
export interface DeploymentEvent {
  deploymentId: string;
  applicationId: string;
  organizationId: string;
  status: DeploymentStatus;
  /** The log chunk's sequence number (1, 2, …), when the event carries one. */
  sequence: number | null;
  logChunk: string | null;
  /** ISO time the change was written. */
  at: string;
}

export type DeploymentPubSub = PubSub<{ deploymentUpdated: [applicationId: string, event: DeploymentEvent] }>;

export interface DeploymentEvents {
  pubsub: DeploymentPubSub;
  close(): Promise<void>;
}

/**
 * Where deployment events go: with REDIS_URL, through Redis, so subscribers connected to any instance get the
 * events of a deployment running on another; without it, within this process.
 */
export function createDeploymentEvents(redisUrl: string | undefined, logger?: Logger): DeploymentEvents {
  if (!redisUrl) return { pubsub: createPubSub(), close: async () => {} };
  const publishClient = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
  const subscribeClient = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
  for (const client of [publishClient, subscribeClient]) {
    client.on('error', (error: Error) => logger?.warn({ err: error }, 'Redis connection for deployment events failed'));
    settleQuietly(client, logger);
  }
  return {
    pubsub: createPubSub({ eventTarget: createRedisEventTarget({ publishClient, subscribeClient }) }),
    async close() {
      await Promise.allSettled([publishClient.quit(), subscribeClient.quit()]);
    },
  };
}

/**
 * The Redis event target fires `publish`, `subscribe` and `unsubscribe` without awaiting them, so a failure
 * (Redis down, or a stream ending after shutdown closed the connection) would be an unhandled rejection that
 * stops the process. Events are a convenience over what is already written: a lost one is logged, not fatal.
 */
function settleQuietly(client: Redis, logger: Logger | undefined) {
  for (const method of ['publish', 'subscribe', 'unsubscribe'] as const) {
    const original = client[method].bind(client) as (...args: unknown[]) => Promise<unknown>;
    (client as unknown as Record<string, unknown>)[method] = (...args: unknown[]) =>
      original(...args).catch((error: Error) => {
        logger?.warn({ err: error, method }, 'Redis command for deployment events failed');
        return 0;
      });
  }
}
