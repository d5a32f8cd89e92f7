import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'prisma/config';

// Prisma's CLI downloads a native schema engine; where that is impossible (offline CI machines) the
// WebAssembly stand-in in ../shared/tools is used, only if nothing else was configured.
const offlineEngine = fileURLToPath(new URL('../shared/tools/prisma-offline/schema-engine-shim.mjs', import.meta.url));
if (!process.env.PRISMA_SCHEMA_ENGINE_BINARY && existsSync(offlineEngine)) {
  process.env.PRISMA_SCHEMA_ENGINE_BINARY = offlineEngine;
}

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/forgegraph_dev' },
});
