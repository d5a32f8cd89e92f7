import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import lockfile from 'proper-lockfile';
import { PrismaClient } from '../generated/prisma/client.js';
import type { JobConnection, SqlExecutor } from '../deployments/job-queue.js';
import { applyMigrations, type SqlSession } from './migrate.js';

export type Database = {
  prisma: PrismaClient;
  kind: 'postgresql' | 'pglite';
  /** How the job queue reaches the same database. */
  jobConnection: JobConnection;
  close(): Promise<void>;
};

export class DataDirectoryBusyError extends Error {
  constructor(dir: string) {
    super(`The embedded database in ${dir} is in use by another forgegraph process`);
  }
}

/** A PostgreSQL server: migrations run on one dedicated connection, queries on a pool. */
export async function openPostgres(connectionString: string, options: { migrate?: boolean } = {}): Promise<Database> {
  if (options.migrate !== false) {
    const client = new pg.Client({ connectionString });
    await client.connect();
    try {
      await applyMigrations(pgSession(client));
    } finally {
      await client.end();
    }
  }
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString }) });
  return { prisma, kind: 'postgresql', jobConnection: { connectionString }, close: () => prisma.$disconnect() };
}

/**
 * The embedded PGlite database. A data directory belongs to one process at a time, so it is locked while
 * open; `dataDir` undefined gives a throw-away in-memory database.
 */
export async function openPglite(dataDir: string | undefined, options: { lockWaitMs?: number } = {}): Promise<Database> {
  let release: (() => Promise<void>) | undefined;
  let pglite: PGlite;
  if (dataDir) {
    const dir = path.join(dataDir, 'pglite');
    mkdirSync(dir, { recursive: true });
    try {
      release = await lockfile.lock(dir, {
        lockfilePath: path.join(dataDir, 'pglite.lock'),
        stale: 15_000,
        retries: options.lockWaitMs ? { retries: Math.ceil(options.lockWaitMs / 250), minTimeout: 250, maxTimeout: 250, factor: 1 } : 0,
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ELOCKED') throw new DataDirectoryBusyError(dataDir);
      throw error;
    }
    pglite = new PGlite(dir);
  } else {
    pglite = new PGlite();
  }
  try {
    await applyMigrations(pgliteSession(pglite));
  } catch (error) {
    await pglite.close();
    await release?.();
    throw error;
  }
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  return {
    prisma,
    kind: 'pglite',
    jobConnection: { executeSql: pgliteExecutor(pglite) },
    async close() {
      await prisma.$disconnect();
      await pglite.close();
      await release?.();
    },
  };
}

export function pgSession(client: pg.Client): SqlSession {
  return {
    query: async <Row>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as Row[],
    exec: async (script) => {
      await client.query(script);
    },
  };
}

export function pgliteSession(db: PGlite): SqlSession {
  return {
    query: async <Row>(sql: string, params?: unknown[]) => (await db.query<Row>(sql, params)).rows,
    exec: async (script) => {
      await db.exec(script);
    },
  };
}

/** pg-boss's SQL on PGlite: parameterised statements through `query`, its multi-statement scripts through `exec`. */
function pgliteExecutor(db: PGlite): SqlExecutor {
  return async (text, values) => {
    if (values && values.length > 0) return { rows: (await db.query(text, values)).rows };
    const results = await db.exec(text);
    return { rows: results[results.length - 1]?.rows ?? [] };
  };
}
