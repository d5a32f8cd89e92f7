import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { adminSocketPath } from '../../src/admin-socket.js';
import { openPglite } from '../../src/db/open-database.js';
import type { PrismaClient } from '../../src/generated/prisma/client.js';
import { authenticate } from '../../src/resolvers/api-keys.js';
import { createTestDatabase, databaseUrl, testDatabaseKind, type TestDatabase } from '../support/database.js';
import { killRunningClis, runCli, type CliRun } from '../support/run-cli.js';
import { cliEnv, startService, type Service } from '../support/service.js';

// `forgegraph api-key create` as users run it: the real bin in a child process, against a database the
// service is not running on, and against one it is running on (PGlite: through the admin socket).

const onPglite = testDatabaseKind === 'pglite';
const onPostgres = testDatabaseKind === 'postgres';
const KEY = /^fg_[A-Za-z0-9_-]{32}$/;
// Each command is a fresh Node process (tsx, Prisma, PGlite): about a second or two, the first PGlite one several.
const TEST_TIMEOUT_MS = 30_000;
const SETUP_TIMEOUT_MS = 60_000;

function createKey(env: Record<string, string>, ...options: string[]) {
  return runCli(['api-key', 'create', ...options], cliEnv(env));
}

/** Exit code 0 and a key, alone, on the last line of stdout, and nowhere else. */
function expectKey(run: CliRun): string {
  expect(run.code, run.stderr).toBe(0);
  expect(run.lastLine).toMatch(KEY);
  expect(run.stderr).not.toContain(run.lastLine);
  return run.lastLine;
}

async function graphql(port: number, apiKey: string, query: string) {
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', 'x-api-key': apiKey },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, body: (await response.json()) as { data?: any; errors?: unknown[] } };
}

/**
 * Where the command runs while no service holds the database: an embedded data directory (PGlite), or a
 * PostgreSQL database through DATABASE_URL. `withDb` looks at the result afterwards.
 */
interface Target {
  env: Record<string, string>;
  withDb<T>(fn: (db: PrismaClient) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

async function createTarget(): Promise<Target> {
  if (onPglite) {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'forgegraph-cli-'));
    return {
      env: { DATA_DIR: dataDir },
      async withDb(fn) {
        const database = await openPglite(dataDir);
        try {
          return await fn(database.prisma);
        } finally {
          await database.close();
        }
      },
      async close() {
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  const database: TestDatabase = await createTestDatabase('postgres');
  return { env: { DATABASE_URL: database.url! }, withDb: (fn) => fn(database.prisma), close: () => database.close() };
}

async function roleOf(db: PrismaClient, key: string) {
  const viewer = await authenticate(db, key);
  const organization = await db.organization.findUniqueOrThrow({ where: { id: viewer.organizationId } });
  const user = await db.user.findUniqueOrThrow({ where: { id: viewer.userId } });
  const apiKey = await db.apiKey.findUniqueOrThrow({ where: { id: viewer.apiKeyId } });
  return { role: viewer.role, organization: organization.name, email: user.email, keyName: apiKey.name };
}

describe('api-key create, service stopped', { timeout: TEST_TIMEOUT_MS }, () => {
  let target: Target;
  beforeAll(async () => {
    target = await createTarget();
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    killRunningClis();
    await target?.close();
  }, SETUP_TIMEOUT_MS);

  test('creates the organization and its owner and prints a key that authenticates', async () => {
    const run = await createKey(target.env, '--organization', 'Acme', '--email', 'Owner@Acme.test');
    const key = expectKey(run);
    expect(run.stderr).toContain('Organization: Acme');
    expect(run.stderr).toContain(key.slice(0, 11));
    expect(run.stderr).toContain(onPglite ? 'created through the embedded database' : 'created through PostgreSQL');
    const found = await target.withDb((db) => roleOf(db, key));
    expect(found).toEqual({ role: 'OWNER', organization: 'Acme', email: 'owner@acme.test', keyName: 'cli' });
  });

  test('another user joins the existing organization as a member; --role and --name are applied', async () => {
    const member = expectKey(await createKey(target.env, '--organization', 'Acme', '--email', 'dev@acme.test'));
    const admin = expectKey(await createKey(target.env, '--organization', 'Acme', '--email', 'ops@acme.test', '--role', 'admin', '--name', 'deploy bot'));
    const owner = expectKey(await createKey(target.env, '--organization', 'Acme', '--email', 'owner@acme.test'));
    await target.withDb(async (db) => {
      expect(await roleOf(db, member)).toMatchObject({ role: 'MEMBER', organization: 'Acme', email: 'dev@acme.test' });
      expect(await roleOf(db, admin)).toMatchObject({ role: 'ADMIN', email: 'ops@acme.test', keyName: 'deploy bot' });
      // A second key for an existing member: the role is kept.
      expect(await roleOf(db, owner)).toMatchObject({ role: 'OWNER', email: 'owner@acme.test' });
      expect(await db.organization.count()).toBe(1);
    });
  });

  test('invalid input fails with a clear one-line message and no key', async () => {
    const badEmail = await createKey(target.env, '--organization', 'Acme', '--email', 'not-an-email');
    expect(badEmail.code).not.toBe(0);
    expect(badEmail.stdout).toBe('');
    expect(badEmail.stderr.trim()).toBe('forgegraph: email must be an email address');

    const badRole = await createKey(target.env, '--organization', 'Acme', '--email', 'x@acme.test', '--role', 'boss');
    expect(badRole.code).not.toBe(0);
    expect(badRole.stdout).toBe('');
    expect(badRole.stderr).toContain("option '--role <role>' argument 'boss' is invalid. Allowed roles are owner, admin, member.");

    const missing = await createKey(target.env, '--email', 'x@acme.test');
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain("required option '--organization <name>' not specified");

    const emptyOrganization = await createKey(target.env, '--organization', '  ', '--email', 'x@acme.test');
    expect(emptyOrganization.code).not.toBe(0);
    expect(emptyOrganization.stderr.trim()).toBe('forgegraph: organization must not be empty');
    await target.withDb(async (db) => expect(await db.user.count({ where: { email: 'x@acme.test' } })).toBe(0));
  });

  test.runIf(onPglite)('waits for a data directory another process holds for a moment', async () => {
    const dataDir = target.env.DATA_DIR!;
    const held = await openPglite(dataDir);
    const waiting = createKey(target.env, '--organization', 'Acme', '--email', 'late@acme.test');
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await held.close();
    const key = expectKey(await waiting);
    await target.withDb(async (db) => expect(await roleOf(db, key)).toMatchObject({ role: 'MEMBER', email: 'late@acme.test' }));
  });

  test.runIf(onPostgres)('an unreachable PostgreSQL server fails with a clear message that does not show the URL', async () => {
    const url = new URL(databaseUrl('forgegraph_cli_unreachable'));
    url.port = '1';
    url.password = 'hunter2';
    const run = await createKey({ DATABASE_URL: url.toString() }, '--organization', 'Acme', '--email', 'owner@acme.test');
    expect(run.code).not.toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim()).toMatch(/^forgegraph: Could not open the PostgreSQL database in DATABASE_URL: .*ECONNREFUSED/);
    expect(run.stderr).not.toContain('hunter2');
  });
});

describe('api-key create, service running', { timeout: TEST_TIMEOUT_MS }, () => {
  let target: Target;
  let service: Service | undefined;
  beforeAll(async () => {
    target = await createTarget();
    const env = onPglite ? target.env : { ...target.env, FORGEGRAPH_SECRET_KEY: randomBytes(32).toString('base64') };
    service = await startService(env);
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    killRunningClis();
    await service?.stop();
    await target?.close();
  }, SETUP_TIMEOUT_MS);

  test('creates a key the running service accepts over HTTP', async () => {
    if (onPglite) {
      // Only the data directory's owner may talk to the service through its socket.
      expect(statSync(adminSocketPath(target.env.DATA_DIR!)).mode & 0o777).toBe(0o600);
    }
    const run = await createKey(target.env, '--organization', 'Acme', '--email', 'owner@acme.test');
    const key = expectKey(run);
    if (onPglite) expect(run.stderr).toContain('created through the running service');
    const viewer = await graphql(service!.port, key, '{ viewer { role organization { name } } }');
    expect(viewer).toEqual({ status: 200, body: { data: { viewer: { role: 'OWNER', organization: { name: 'Acme' } } } } });

    const admin = expectKey(await createKey(target.env, '--organization', 'Acme', '--email', 'ops@acme.test', '--role', 'admin'));
    const member = expectKey(await createKey(target.env, '--organization', 'Acme', '--email', 'dev@acme.test'));
    expect((await graphql(service!.port, admin, '{ viewer { role } }')).body).toEqual({ data: { viewer: { role: 'ADMIN' } } });
    expect((await graphql(service!.port, member, '{ viewer { role } }')).body).toEqual({ data: { viewer: { role: 'MEMBER' } } });

    const invalid = await createKey(target.env, '--organization', 'Acme', '--email', 'not-an-email');
    expect(invalid.code).not.toBe(0);
    expect(invalid.stderr.trim()).toBe('forgegraph: email must be an email address');
  });

  test.runIf(onPglite)('once the service stops, its socket is gone and the command opens the data directory itself', async () => {
    await service!.stop();
    expect(existsSync(adminSocketPath(target.env.DATA_DIR!))).toBe(false);
    const run = await createKey(target.env, '--organization', 'Acme', '--email', 'after@acme.test');
    const key = expectKey(run);
    expect(run.stderr).toContain('created through the embedded database');
    await target.withDb(async (db) => expect(await roleOf(db, key)).toMatchObject({ role: 'MEMBER', organization: 'Acme' }));
  });
});
