import { describe, expect, test } from 'vitest';
import { DeploymentLog } from '../../src/deployments/deployment-log.js';

const collect = (options: Partial<ConstructorParameters<typeof DeploymentLog>[1]> = {}) => {
  const chunks: string[] = [];
  const log = new DeploymentLog(
    async (text) => {
      chunks.push(text);
    },
    { maxBytes: 1_000, tailBytes: 100, flushMs: 10_000, chunkBytes: 200, ...options },
  );
  return { log, chunks, text: () => chunks.join('') };
};

describe('DeploymentLog', () => {
  test('writes in chunks, in order, and everything on close', async () => {
    const { log, chunks, text } = collect();
    for (let i = 0; i < 50; i += 1) log.line(`line ${i}`);
    await log.close();
    expect(text()).toBe(Array.from({ length: 50 }, (_, i) => `line ${i}\n`).join(''));
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.length).toBeLessThan(10);
  });

  test('past the limit keeps the head and the tail, and says how much was left out', async () => {
    const { log, text } = collect();
    const total = 5_000;
    let written = '';
    for (let i = 0; written.length < total; i += 1) {
      const line = `output line ${String(i).padStart(5, '0')}\n`;
      written += line;
      log.append(line);
    }
    await log.close();
    const out = text();
    expect(out.startsWith(written.slice(0, 1_000))).toBe(true);
    expect(out.endsWith(written.slice(-100))).toBe(true);
    const omitted = Number(/\[… (\d+) bytes of output left out …\]/.exec(out)?.[1]);
    expect(omitted).toBe(written.length - 1_000 - 100);
    expect(Buffer.byteLength(out)).toBeLessThan(1_000 + 100 + 80);
  });

  test('masks registered secrets', async () => {
    const { log, text } = collect();
    log.mask('glpat-very-secret-token');
    log.line('fatal: could not read from https://oauth2:glpat-very-secret-token@example.com');
    await log.close();
    expect(text()).not.toContain('glpat-very-secret-token');
    expect(text()).toContain('oauth2:***@example.com');
  });

  test('a failing write does not stop later ones', async () => {
    const chunks: string[] = [];
    let calls = 0;
    const log = new DeploymentLog(
      async (text) => {
        calls += 1;
        if (calls === 1) throw new Error('database hiccup');
        chunks.push(text);
      },
      { maxBytes: 1_000, tailBytes: 100, flushMs: 10_000, chunkBytes: 1 },
    );
    log.line('first');
    log.line('second');
    await log.close();
    expect(chunks).toEqual(['second\n']);
  });
});
