import type { Config } from '../config.js';
import { openPglite, openPostgres, type Database } from './open-database.js';

/** DATABASE_URL selects a PostgreSQL server; otherwise the embedded PGlite database in DATA_DIR. */
export function openConfiguredDatabase(config: Config): Promise<Database> {
  return config.databaseUrl ? openPostgres(config.databaseUrl) : openPglite(config.dataDir);
}
