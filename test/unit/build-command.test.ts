import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { runBuildCommand } from '../../src/deployments/build-command.js';

const root = mkdtempSync(path.join(tmpdir(), 'build-command-'));
const workspace = { source: path.join(root, 'source'), home: path.join(root, 'home'), remove: async () => {} };
mkdirSync(workspace.source);
mkdirSync(workspace.home);
afterAll(() => rmSync(root, { recursive: true, force: true }));

const run = (command: string, options: { timeoutMs?: number; signal?: AbortSignal } = {}) => {
  let output = '';
  return runBuildCommand({
    command,
    workspace,
    deployment: { id: 'd-1', commitSha: 'c'.repeat(40), ref: 'main' },
    timeoutMs: options.timeoutMs ?? 10_000,
    signal: options.signal ?? new AbortController().signal,
    onOutput: (text) => (output += text),
  }).then((result) => ({ ...result, output }));
};

describe('runBuildCommand', () => {
  test('runs in the checkout with an environment of its own: nothing of the service reaches it', async () => {
    process.env.FORGEGRAPH_SECRET_KEY = 'service-secret-canary';
    process.env.DATABASE_URL = 'postgresql://canary@db/forgegraph';
    try {
      const result = await run('pwd; env; echo done >&2');
      expect(result.exitCode).toBe(0);
      expect(result.output).toContain(workspace.source);
      expect(result.output).toContain('FORGEGRAPH_COMMIT_SHA=' + 'c'.repeat(40));
      expect(result.output).toContain(`HOME=${workspace.home}`);
      expect(result.output).toContain('done');
      expect(result.output).not.toContain('service-secret-canary');
      expect(result.output).not.toContain('DATABASE_URL');
    } finally {
      delete process.env.FORGEGRAPH_SECRET_KEY;
      delete process.env.DATABASE_URL;
    }
  });

  test('a failing command reports its exit code', async () => {
    const result = await run('echo about to fail; exit 3');
    expect(result).toMatchObject({ exitCode: 3, timedOut: false, aborted: false });
    expect(result.output).toContain('about to fail');
  });

  test('the time limit stops the command and everything it started', async () => {
    const marker = `sleep 317.${process.pid}`;
    const result = await run(`${marker} & ${marker} & echo started; wait`, { timeoutMs: 500 });
    expect(result.timedOut).toBe(true);
    expect(result.output).toContain('started');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(spawnSync('pgrep', ['-f', marker]).status).toBe(1);
  });

  test('an abort stops it too', async () => {
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 200);
    const result = await run('sleep 30', { signal: abort.signal });
    expect(result.aborted).toBe(true);
  });
});
