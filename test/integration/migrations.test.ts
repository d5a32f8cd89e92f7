import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { applyMigrations, MIGRATIONS_DIR, type SqlSession } from '../../src/db/migrate.js';
import { pgliteSession, pgSession } from '../../src/db/open-database.js';
import { createTestDatabase, testDatabaseKind, type TestDatabase } from '../support/database.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

const committed = readdirSync(MIGRATIONS_DIR, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();

test('every committed migration is recorded the way Prisma records it', async () => {
  const rows = await database.prisma.$queryRaw<{ migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number }[]>`
    SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name`;
  expect(rows.map((r) => r.migration_name)).toEqual(committed);
  for (const row of rows) {
    const sql = readFileSync(path.join(MIGRATIONS_DIR, row.migration_name, 'migration.sql'), 'utf8');
    expect(row.checksum).toBe(createHash('sha256').update(sql).digest('hex'));
    expect(row.finished_at).not.toBeNull();
    expect(row.applied_steps_count).toBe(1);
  }
});

test.runIf(testDatabaseKind === 'postgres')('instances starting together on one PostgreSQL apply each migration once', async () => {
  const name = `forgegraph_race_${Date.now()}`;
  const admin = new pg.Client({ connectionString: database.url!.replace(/\/[^/]+$/, '/postgres') });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = database.url!.replace(/\/[^/]+$/, `/${name}`);
  try {
    const clients = await Promise.all(
      Array.from({ length: 4 }, async () => {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        return client;
      }),
    );
    const applied = await Promise.all(
      clients.map((client) =>
        applyMigrations(pgSession(client)),
      ),
    );
    expect(applied.flat().sort()).toEqual(committed);
    const { rows } = await clients[0]!.query('SELECT count(*)::int AS n FROM "_prisma_migrations"');
    expect(rows[0].n).toBe(committed.length);
    await Promise.all(clients.map((client) => client.end()));
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
});

test('a failed migration is recorded and blocks later starts until resolved', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'forgegraph-broken-'));
  mkdirSync(path.join(dir, '99999999999999_broken'));
  writeFileSync(path.join(dir, '99999999999999_broken', 'migration.sql'), 'CREATE TABLE "Broken" (id int);\nSELECT * FROM "does_not_exist";');
  const { session, close } = await scratchSession();
  try {
    await expect(applyMigrations(session, dir)).rejects.toThrow(/99999999999999_broken/);
    await expect(applyMigrations(session, dir)).rejects.toThrow(/failed earlier/);
    const [row] = await session.query<{ logs: string | null; finished_at: Date | null }>(
      `SELECT logs, finished_at FROM "_prisma_migrations" WHERE migration_name = '99999999999999_broken'`,
    );
    expect(row?.logs).toMatch(/does_not_exist/);
    expect(row?.finished_at).toBeNull();
  } finally {
    await close();
  }
});

/** An empty database of the suite's kind, reached through the raw driver as the migrator is. */
async function scratchSession(): Promise<{ session: SqlSession; close(): Promise<void> }> {
  if (testDatabaseKind === 'pglite') {
    const db = new PGlite();
    return { session: pgliteSession(db), close: () => db.close() };
  }
  const name = `forgegraph_scratch_${Date.now()}`;
  const admin = new pg.Client({ connectionString: database.url!.replace(/\/[^/]+$/, '/postgres') });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const client = new pg.Client({ connectionString: database.url!.replace(/\/[^/]+$/, `/${name}`) });
  await client.connect();
  return {
    session: pgSession(client),
    async close() {
      await client.end();
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    },
  };
}
