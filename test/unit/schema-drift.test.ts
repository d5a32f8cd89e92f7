import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { printedSchema } from '../../src/schema/index.js';

// The same gate as `npm run schema:check`, so a schema change without `npm run schema:print` fails here too.
describe('schema.graphql', () => {
  it('matches the schema built from src/schema (run `npm run schema:print` if not)', () => {
    const committed = readFileSync(new URL('../../schema.graphql', import.meta.url), 'utf8');
    expect(committed).toBe(`${printedSchema()}\n`);
  });
});
