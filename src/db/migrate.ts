import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The two things the migrator needs from a connection: parameterised queries, and whole scripts over the simple protocol. */
export interface SqlSession {
  query<Row>(sql: string, params?: unknown[]): Promise<Row[]>;
  exec(script: string): Promise<void>;
}

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../prisma/migrations', import.meta.url));

// Prisma's schema engine takes this same advisory lock, so `prisma migrate deploy` and this migrator exclude each other.
const PRISMA_MIGRATE_LOCK = 72707369;

interface MigrationRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

/**
 * Applies committed Prisma migrations with Prisma's own bookkeeping (`_prisma_migrations`), so the
 * embedded database can migrate inside the server and `prisma migrate status` agrees afterwards.
 */
export async function applyMigrations(session: SqlSession, dir = MIGRATIONS_DIR): Promise<string[]> {
  const migrations = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const applied: string[] = [];
  await session.query('SELECT pg_advisory_lock($1)', [PRISMA_MIGRATE_LOCK]);
  try {
    await session.exec(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" VARCHAR(36) PRIMARY KEY NOT NULL,
      "checksum" VARCHAR(64) NOT NULL,
      "finished_at" TIMESTAMPTZ,
      "migration_name" VARCHAR(255) NOT NULL,
      "logs" TEXT,
      "rolled_back_at" TIMESTAMPTZ,
      "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
      "applied_steps_count" INTEGER NOT NULL DEFAULT 0
    )`);
    const rows = await session.query<MigrationRow>(
      'SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"',
    );
    const failed = rows.find((row) => !row.finished_at && !row.rolled_back_at);
    if (failed) {
      throw new Error(`Migration ${failed.migration_name} failed earlier; resolve it (prisma migrate resolve) before starting`);
    }
    const done = new Set(rows.filter((row) => row.finished_at).map((row) => row.migration_name));
    for (const name of migrations) {
      if (done.has(name)) continue;
      const script = readFileSync(`${dir}/${name}/migration.sql`, 'utf8');
      const id = randomUUID();
      const checksum = createHash('sha256').update(script).digest('hex');
      await session.query(
        'INSERT INTO "_prisma_migrations" (id, checksum, started_at, migration_name) VALUES ($1, $2, now(), $3)',
        [id, checksum, name],
      );
      try {
        await session.exec(script);
      } catch (error) {
        await session.query('UPDATE "_prisma_migrations" SET logs = $2 WHERE id = $1', [id, String(error)]);
        throw new Error(`Migration ${name} failed: ${(error as Error).message}`);
      }
      await session.query(
        'UPDATE "_prisma_migrations" SET applied_steps_count = applied_steps_count + 1, finished_at = now() WHERE id = $1',
        [id],
      );
      applied.push(name);
    }
  } finally {
    await session.query('SELECT pg_advisory_unlock($1)', [PRISMA_MIGRATE_LOCK]);
  }
  return applied;
}
