import path from 'node:path';

export interface Config {
  port: number;
  dataDir: string;
  /** Set: use that PostgreSQL server. Unset: the embedded PGlite database under dataDir. */
  databaseUrl: string | undefined;
  secretKey: string | undefined;
  /** Older keys, still accepted for decryption while values are re-sealed under the current key. */
  previousSecretKeys: string[];
  logLevel: string;
  /** Where browsers and forges reach this service: redirect and webhook URLs are built on it. */
  publicUrl: string;
  forge: ForgeSettings;
  /** Set: deployment events go through this Redis, so subscribers on any instance see them. */
  redisUrl: string | undefined;
  deploy: DeployConfig;
}

export interface DeployConfig {
  concurrency: number;
  fetchTimeoutMs: number;
  buildTimeoutMs: number;
  logMaxBytes: number;
  minFreeBytes: number;
  /** A running deployment whose worker has been silent this long is presumed lost and run again. */
  workerTimeoutMs: number;
}

export interface ForgeSettings {
  /** FORGEGRAPH_ALLOWED_PRIVATE_HOSTS: host names, IPs and CIDRs that forge calls may reach although private. */
  allowedPrivateHosts: string;
  /** Bitbucket Cloud's API base, overridable for proxies and tests. */
  bitbucketApiUrl: string;
  attemptTimeoutMs: number;
  maxRetries: number;
  maxRetryWaitMs: number;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 4000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a TCP port, got "${env.PORT}"`);
  return {
    port,
    dataDir: path.resolve(env.DATA_DIR ?? '.data'),
    databaseUrl: env.DATABASE_URL || undefined,
    secretKey: env.FORGEGRAPH_SECRET_KEY || undefined,
    previousSecretKeys: (env.FORGEGRAPH_PREVIOUS_SECRET_KEYS ?? '').split(',').map((k) => k.trim()).filter(Boolean),
    logLevel: env.LOG_LEVEL ?? 'info',
    publicUrl: (env.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, ''),
    forge: {
      allowedPrivateHosts: env.FORGEGRAPH_ALLOWED_PRIVATE_HOSTS ?? '',
      bitbucketApiUrl: (env.BITBUCKET_API_URL ?? 'https://api.bitbucket.org/2.0').replace(/\/+$/, ''),
      attemptTimeoutMs: positiveInteger(env, 'FORGE_TIMEOUT_MS', 10_000),
      maxRetries: positiveInteger(env, 'FORGE_MAX_RETRIES', 3),
      maxRetryWaitMs: positiveInteger(env, 'FORGE_MAX_RETRY_WAIT_MS', 5_000),
    },
    redisUrl: env.REDIS_URL || undefined,
    deploy: {
      concurrency: Math.max(1, positiveInteger(env, 'DEPLOY_CONCURRENCY', 2)),
      fetchTimeoutMs: positiveInteger(env, 'DEPLOY_FETCH_TIMEOUT_SECONDS', 600) * 1000,
      buildTimeoutMs: positiveInteger(env, 'DEPLOY_BUILD_TIMEOUT_SECONDS', 1800) * 1000,
      logMaxBytes: positiveInteger(env, 'DEPLOY_LOG_MAX_BYTES', 1024 * 1024),
      minFreeBytes: positiveInteger(env, 'DEPLOY_MIN_FREE_MB', 1024) * 1024 * 1024,
      workerTimeoutMs: Math.max(2, positiveInteger(env, 'DEPLOY_WORKER_TIMEOUT_SECONDS', 30)) * 1000,
    },
  };
}

function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}
