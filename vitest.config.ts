import { defineConfig } from 'vitest/config';

// Every suite that touches the database runs twice: on a real PostgreSQL server and on embedded PGlite.
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      { extends: true, test: { name: 'postgres', include: ['test/integration/**/*.test.ts'], env: { TEST_DATABASE: 'postgres' } } },
      { extends: true, test: { name: 'pglite', include: ['test/integration/**/*.test.ts'], env: { TEST_DATABASE: 'pglite' } } },
    ],
  },
});
