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
  };
}
