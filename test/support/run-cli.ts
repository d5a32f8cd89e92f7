import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = path.join(ROOT, 'bin', 'forgegraph.mjs');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The last line of stdout: where `api-key create` prints the key. */
  lastLine: string;
}

/** Commands still running when a test gave up. */
const running = new Set<ChildProcess>();

/** Kills commands still running (before their data directory is removed). */
export function killRunningClis(): void {
  for (const child of running) child.kill('SIGKILL');
}

/** The real `forgegraph` bin, as a user runs it, with exactly the environment given. */
export function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      running.delete(child);
      resolve({ code, stdout, stderr, lastLine: stdout.trimEnd().split('\n').at(-1) ?? '' });
    });
  });
}
