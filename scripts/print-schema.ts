// Writes the GraphQL schema built from src/schema to the committed schema.graphql; with --check, only
// compares, so CI fails when the API changed without the printed schema (and the clients built on it).
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { printedSchema } from '../src/schema/index.js';

const target = fileURLToPath(new URL('../schema.graphql', import.meta.url));
const expected = `${printedSchema()}\n`;
const check = process.argv.includes('--check');

if (!check) {
  writeFileSync(target, expected);
  console.log(`Wrote ${target}`);
  process.exit(0);
}

let actual: string | null;
try {
  actual = readFileSync(target, 'utf8');
} catch {
  actual = null;
}

if (actual === expected) {
  console.log('schema.graphql is up to date.');
  process.exit(0);
}

console.error(
  actual === null
    ? 'schema.graphql is missing.'
    : 'schema.graphql is out of date: it differs from the schema built from src/schema.',
);
if (actual !== null) console.error(lineDiff(actual, expected));
console.error('Run `npm run schema:print`, review `git diff schema.graphql`, then `npm run codegen`, and commit schema.graphql and examples/gql with the change.');
process.exit(1);

/** A unified-style diff (2 lines of context), cut at `limit` lines: a hint of what changed. */
function lineDiff(actualText: string, expectedText: string, limit = 60): string {
  const a = actualText.split('\n');
  const e = expectedText.split('\n');
  // Longest common subsequence table; the schema is a few hundred lines, so O(n·m) is instant.
  const lcs = Array.from({ length: a.length + 1 }, () => new Uint32Array(e.length + 1));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = e.length - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === e[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const ops: { sign: ' ' | '-' | '+'; text: string; line: number }[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < e.length) {
    if (i < a.length && j < e.length && a[i] === e[j]) ops.push({ sign: ' ', text: a[i++]!, line: j++ });
    else if (i < a.length && (j >= e.length || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) ops.push({ sign: '-', text: a[i++]!, line: j });
    else ops.push({ sign: '+', text: e[j]!, line: j++ });
  }
  const near = (k: number) => ops.slice(Math.max(0, k - 2), k + 3).some((op) => op.sign !== ' ');
  const out: string[] = ['--- schema.graphql', '+++ printed from src/schema'];
  let previous = -2;
  ops.forEach((op, k) => {
    if (!near(k)) return;
    if (k !== previous + 1) out.push(`@@ line ${op.line + 1} @@`);
    out.push(`${op.sign} ${op.text}`);
    previous = k;
  });
  return out.length > limit ? [...out.slice(0, limit), `… ${out.length - limit} more line(s)`].join('\n') : out.join('\n');
}
