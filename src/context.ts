import type { SecretBox } from './crypto/secret-box.js';
import type { PrismaClient } from './generated/prisma/client.js';
import type { Logger } from './logger.js';
import type { ForgeHttp } from './providers/http/forge-http.js';
import type { DeploymentControl } from './resolvers/deployments.js';
import type { ForgeAccess } from './resolvers/forge-access.js';
import type { Viewer } from './resolvers/viewer.js';

export interface Context {
  db: PrismaClient;
  secrets: SecretBox;
  logger: Logger;
  viewer: Viewer;
  /** Where browsers and forges reach this service (PUBLIC_URL). */
  publicUrl: string;
  /** The HTTP layer for forge calls outside ForgeAccess (OAuth revocation on removeGitProvider). */
  http: ForgeHttp;
  /** This request's forge calls, each made once. */
  forge: ForgeAccess;
  /** The deployment queue, events and local cancel. */
  deployments: DeploymentControl;
}
