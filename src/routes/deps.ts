import type { SecretBox } from '../crypto/secret-box.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { Logger } from '../logger.js';
import type { ForgeHttp } from '../providers/http/forge-http.js';
import type { JobQueue } from '../deployments/job-queue.js';

/** What route handlers work with: the same parts GraphQL resolvers get, without a viewer (browsers carry no API key). */
export interface RouteDeps {
  db: PrismaClient;
  secrets: SecretBox;
  logger: Logger;
  http: ForgeHttp;
  publicUrl: string;
  /** Where accepted webhook deliveries are queued for processing. */
  queue: JobQueue;
}
