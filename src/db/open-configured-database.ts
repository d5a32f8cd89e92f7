import type { Config } from '../config.js';
import { openPglite, openPostgres, type Database } from './open-database.js';

// `forgegraph api-key create` holds the embedded database for a second or two when the service is down, and
// the lock of a process that was killed goes stale after 15 s (open-database.ts): a restart right after a
// crash waits it out rather than failing.
const EMBEDDED_LOCK_WAIT_MS = 20_000;

/** DATABASE_URL selects a PostgreSQL server; otherwise the embedded PGlite database in DATA_DIR. */
export function openConfiguredDatabase(config: Config): Promise<Database> {
  return config.databaseUrl ? openPostgres(config.databaseUrl) : openPglite(config.dataDir, { lockWaitMs: EMBEDDED_LOCK_WAIT_MS });
}
