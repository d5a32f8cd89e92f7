import { v7 as uuidv7 } from 'uuid';
import type { Prisma, PrismaClient } from '../generated/prisma/client.js';
import type { GitProviderType } from '../generated/prisma/enums.js';
import type { JobQueue } from '../deployments/job-queue.js';

export interface DeliveryHeaders {
  forge: GitProviderType;
  event: string;
  /** The forge's id of the delivery; a redelivery carries the same one. */
  deliveryId: string | null;
}

// A burst of deliveries queues for the connection pool; waiting is better than refusing an event the forge
// would otherwise retry later (or, for GitLab, count against the hook).
const TRANSACTION_LIMITS = { maxWait: 15_000, timeout: 15_000 };

/**
 * Stores a verified delivery and its processing job in one transaction, so an acknowledged delivery survives the
 * process dying right after the answer. The same delivery id again for the same provider changes nothing but a
 * counter: it answers `duplicate`.
 */
export async function acceptDelivery(
  deps: { db: PrismaClient; queue: JobQueue },
  providerId: string,
  headers: DeliveryHeaders,
  payload: Prisma.InputJsonValue,
): Promise<'accepted' | 'duplicate'> {
  const id = uuidv7();
  return deps.db.$transaction(async (tx) => {
    const { count } = await tx.webhookDelivery.createMany({
      data: [{ id, gitProviderId: providerId, ...headers, signatureValid: true, outcome: 'ACCEPTED', payload }],
      skipDuplicates: true,
    });
    if (count === 0) {
      await tx.webhookDelivery.updateMany({ where: { gitProviderId: providerId, deliveryId: headers.deliveryId }, data: { repeats: { increment: 1 } } });
      return 'duplicate';
    }
    await deps.queue.enqueueWebhook(tx, id);
    return 'accepted';
  }, TRANSACTION_LIMITS);
}

/**
 * Records a delivery that failed before it could be accepted: a missing or wrong signature (REJECTED), or a
 * verified body that is not JSON (FAILED). Nothing of the payload is kept, and the delivery id it claims is kept
 * only in the message, so a forged request cannot occupy a real delivery's id.
 */
export async function recordFailedDelivery(
  db: PrismaClient,
  providerId: string,
  headers: DeliveryHeaders,
  failure: { signatureValid: boolean; message: string },
): Promise<void> {
  const claimed = headers.deliveryId ? ` (delivery id ${headers.deliveryId.slice(0, 100)})` : '';
  await db.webhookDelivery.create({
    data: {
      gitProviderId: providerId,
      forge: headers.forge,
      event: headers.event.slice(0, 100),
      deliveryId: null,
      signatureValid: failure.signatureValid,
      outcome: failure.signatureValid ? 'FAILED' : 'REJECTED',
      message: `${failure.message}${claimed}`,
    },
  });
}
