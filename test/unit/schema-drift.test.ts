import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { printedSchema } from '../../src/schema/index.js';

// The same gate as `npm run schema:check`, so `npm test` also fails when the API changed without `npm run schema:print`.
it('schema.graphql matches the schema built from src/schema', () => {
  const committed = readFileSync(new URL('../../schema.graphql', import.meta.url), 'utf8');
  expect(committed, 'run `npm run schema:print` and commit schema.graphql').toBe(`${printedSchema()}\n`);
});
