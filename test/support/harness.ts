import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createDeploymentEvents } from '../../src/deployments/events.js';
import { DeploymentRuntime } from '../../src/deployments/runtime.js';
import type { DeploySettings } from '../../src/deployments/settings.js';
import { AddressPolicy } from '../../src/providers/http/address-policy.js';
import { SecretBox } from '../../src/crypto/secret-box.js';
import type { PrismaClient } from '../../src/generated/prisma/client.js';
import type { MemberRole } from '../../src/generated/prisma/enums.js';
import { createLogger } from '../../src/logger.js';
import { bootstrapApiKey } from '../../src/resolvers/api-keys.js';
import { createForgegraphYoga, type ForgegraphYoga } from '../../src/yoga.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { testForgeHttp } from './forge-http.js';
import type { ForgeHttp } from '../../src/providers/http/forge-http.js';

export interface GraphQLResponse<Data = any> {
  status: number;
  data?: Data;
  errors?: { message: string; extensions?: Record<string, unknown>; path?: (string | number)[] }[];
  /** The raw response text, for scans. */
  text: string;
}

export interface Harness {
  database: TestDatabase;
  /** The client the service uses, with every Prisma operation recorded in `operations`. */
  db: PrismaClient;
  operations: string[];
  logs: string[];
  secrets: SecretBox;
  yoga: ForgegraphYoga;
  /** The deployment queue and workers (started only with the `deployments` option). */
  runtime: DeploymentRuntime;
  deploySettings: DeploySettings;
  graphql<Data = any>(query: string, variables?: Record<string, unknown>, apiKey?: string | null): Promise<GraphQLResponse<Data>>;
  /** As the CLI does: the organization and user, created if missing, and a fresh API key. */
  apiKey(organization: string, email: string, role?: MemberRole): Promise<string>;
  close(): Promise<void>;
}

/** The service's public address in tests: yoga.fetch takes any host, and this is the one redirects name. */
export const PUBLIC_URL = 'http://forgegraph.test';

export interface HarnessOptions {
  /** Bitbucket's API base (a fake's URL in forge tests). */
  bitbucketApiUrl?: string;
  forgeHttp?: ForgeHttp;
  /** Start the job queue and deployment workers, with these settings over the test defaults. */
  deployments?: Partial<DeploySettings> & { workers?: boolean; redisUrl?: string };
  /** Run on this database (a second instance of the service) instead of a new one; it is not dropped on close. */
  database?: TestDatabase;
  /** The secret box of the instance whose database this shares. */
  secrets?: SecretBox;
}

/** Deployment settings for tests: short timeouts and heartbeats, a temporary workspace root. */
export function testDeploySettings(overrides: Partial<DeploySettings> = {}): DeploySettings {
  return {
    workspaceRoot: mkdtempSync(path.join(tmpdir(), 'forgegraph-workspaces-')),
    concurrency: 2,
    fetchTimeoutMs: 30_000,
    buildTimeoutMs: 30_000,
    logMaxBytes: 256 * 1024,
    minFreeBytes: 1024 * 1024,
    heartbeatMs: 250,
    staleAfterMs: 2_000,
    maxAttempts: 3,
    pollingIntervalSeconds: 0.5,
    publicUrl: PUBLIC_URL,
    ...overrides,
  };
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const database = options.database ?? (await createTestDatabase());
  const operations: string[] = [];
  const logs: string[] = [];
  // Pothos's own tests record operations the same way: an N+1 shows up as a growing list.
  const db = database.prisma.$extends({
    query: {
      async $allOperations({ model, operation, args, query }) {
        operations.push(`${model ?? '$raw'}.${operation}`);
        return query(args);
      },
    },
  }) as unknown as PrismaClient;
  const logger = createLogger(
    'debug',
    new Writable({
      write(chunk, _encoding, callback) {
        logs.push(String(chunk));
        callback();
      },
    }),
  );
  const secrets = options.secrets ?? new SecretBox(Buffer.from(SecretBox.generateKey(), 'base64'));
  const forgeHttp = options.forgeHttp ?? testForgeHttp();
  const forge = { http: forgeHttp, bitbucketApiUrl: options.bitbucketApiUrl ?? 'https://api.bitbucket.org/2.0' };
  const { workers = true, redisUrl, ...settingsOverrides } = options.deployments ?? {};
  const settings = testDeploySettings(settingsOverrides);
  const runtime = new DeploymentRuntime({
    db,
    logger,
    forge: { db, secrets, logger, ...forge },
    policy: new AddressPolicy('127.0.0.1'),
    settings,
    events: createDeploymentEvents(redisUrl, logger),
    jobConnection: database.jobConnection,
    exclusiveDatabase: false,
  });
  if (options.deployments) await runtime.start({ workers });
  const yoga = createForgegraphYoga({ db, secrets, logger, forge, deployments: runtime, publicUrl: PUBLIC_URL });

  return {
    database,
    db,
    operations,
    logs,
    secrets,
    yoga,
    runtime,
    deploySettings: settings,
    async graphql(query, variables, apiKey) {
      const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/graphql-response+json' };
      if (apiKey) headers['x-api-key'] = apiKey;
      const response = await yoga.fetch('http://forgegraph.test/graphql', {
        method: 'POST',
        headers,
        body: JSON.stringify({ query, variables }),
      });
      const text = await response.text();
      return { status: response.status, text, ...JSON.parse(text) };
    },
    async apiKey(organization, email, role) {
      return (await bootstrapApiKey(database.prisma, { organization, email, role })).key;
    },
    async close() {
      await yoga.dispose();
      await runtime.stop(5);
      await forgeHttp.close();
      if (!options.database) await database.close();
      rmSync(settings.workspaceRoot, { recursive: true, force: true });
    },
  };
}
