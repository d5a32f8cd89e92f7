import { createServer } from 'node:http';
import { startAdminSocket } from './admin-socket.js';
import { loadConfig } from './config.js';
import { loadSecretBox } from './crypto/load-secret-box.js';
import { openConfiguredDatabase } from './db/open-configured-database.js';
import { createDeploymentEvents } from './deployments/events.js';
import { DeploymentRuntime } from './deployments/runtime.js';
import { deploySettingsFrom } from './deployments/settings.js';
import { createLogger } from './logger.js';
import { AddressPolicy } from './providers/http/address-policy.js';
import { forgeHttpFromSettings } from './providers/http/forge-http.js';
import { createForgegraphYoga } from './yoga.js';

const config = loadConfig();
const logger = createLogger(config.logLevel);

async function main() {
  const secrets = loadSecretBox(config, logger);
  const database = await openConfiguredDatabase(config);
  logger.info({ database: database.kind, dataDir: database.kind === 'pglite' ? config.dataDir : undefined }, 'database ready, migrations applied');

  let ready = false;
  const forgeHttp = forgeHttpFromSettings(config.forge);
  const forge = { http: forgeHttp, bitbucketApiUrl: config.forge.bitbucketApiUrl };
  const deployments = new DeploymentRuntime({
    db: database.prisma,
    logger,
    forge: { db: database.prisma, secrets, logger, ...forge },
    policy: new AddressPolicy(config.forge.allowedPrivateHosts),
    settings: deploySettingsFrom(config),
    events: createDeploymentEvents(config.redisUrl, logger),
    jobConnection: database.jobConnection,
    exclusiveDatabase: database.kind === 'pglite',
  });
  await deployments.start();
  logger.info({ concurrency: config.deploy.concurrency, events: config.redisUrl ? 'redis' : 'in-process' }, 'deployment workers started');
  const yoga = createForgegraphYoga({
    db: database.prisma,
    secrets,
    logger,
    forge,
    deployments,
    publicUrl: config.publicUrl,
    isReady: () => ready,
  });
  const server = createServer(yoga);
  // The embedded database belongs to this process; the CLI reaches it through this socket while we run.
  const adminSocket = database.kind === 'pglite' ? await startAdminSocket(database.prisma, config.dataDir, logger) : undefined;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, resolve);
  });
  ready = true;
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info({ port }, `forgegraph listening: GraphiQL at http://localhost:${port}${yoga.graphqlEndpoint}`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    ready = false;
    logger.info({ signal }, 'shutting down');
    server.closeIdleConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await yoga.dispose();
    await deployments.stop();
    await forgeHttp.close();
    await adminSocket?.close();
    await database.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  logger.fatal({ err: error }, 'forgegraph could not start');
  process.exit(1);
});
