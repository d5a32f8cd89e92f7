import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Every suite that touches the database runs twice: on a real PostgreSQL server and on embedded PGlite.
export default defineConfig({
  resolve: {
    // Node loads graphql's CommonJS build for everyone; Vite would hand src/ its ESM build while yoga and
    // Pothos keep the CommonJS one, and two copies of graphql cannot share a schema.
    alias: { graphql: fileURLToPath(new URL('./node_modules/graphql/index.js', import.meta.url)) },
  },
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      { extends: true, test: { name: 'postgres', include: ['test/integration/**/*.test.ts'], env: { TEST_DATABASE: 'postgres' } } },
      { extends: true, test: { name: 'pglite', include: ['test/integration/**/*.test.ts'], env: { TEST_DATABASE: 'pglite' } } },
      { extends: true, test: { name: 'browser', include: ['test/browser/**/*.test.ts'] } },
    ],
  },
});
