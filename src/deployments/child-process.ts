import { spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';

export interface ProcessOptions {
  command: string;
  args: string[];
  cwd: string;
  /** The whole environment: nothing of the service's own is passed on. */
  env: Record<string, string>;
  timeoutMs: number;
  signal?: AbortSignal;
  onOutput(text: string): void;
}

export interface ProcessResult {
  exitCode: number | null;
  /** The signal that ended it, when one did. */
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  aborted: boolean;
}

/** How long a process group has after SIGTERM before it gets SIGKILL. */
const KILL_GRACE_MS = 5_000;

/**
 * Runs a program in its own process group, so a timeout or an abort stops it and everything it started.
 * It never throws for the program's sake: a missing program, a crash or a kill come back in the result.
 */
export function runProcess(options: ProcessOptions): Promise<ProcessResult> {
  return new Promise((resolve) => {
    let timedOut = false;
    let aborted = false;
    let settled = false;
    let killTimer: NodeJS.Timeout | undefined;
    const child = spawn(options.command, options.args, {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const killGroup = (signal: NodeJS.Signals) => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // The group is already gone.
      }
    };
    const stop = () => {
      killGroup('SIGTERM');
      killTimer ??= setTimeout(() => killGroup('SIGKILL'), KILL_GRACE_MS);
      killTimer.unref();
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, options.timeoutMs);
    const onAbort = () => {
      aborted = true;
      stop();
    };
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });

    for (const stream of [child.stdout, child.stderr]) {
      const decoder = new StringDecoder('utf8');
      stream.on('data', (chunk: Buffer) => {
        const text = decoder.write(chunk);
        if (text) options.onOutput(text);
      });
      stream.on('end', () => {
        const rest = decoder.end();
        if (rest) options.onOutput(rest);
      });
    }

    const finish = (result: ProcessResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(killTimer);
      options.signal?.removeEventListener('abort', onAbort);
      resolve(result);
    };
    child.on('error', (error) => {
      options.onOutput(`${error.message}\n`);
      finish({ exitCode: null, signal: null, timedOut, aborted });
    });
    child.on('exit', (exitCode, signal) => {
      // Whatever the program left running in its group (a daemon holding stdout open) goes with it.
      killGroup('SIGKILL');
      const result = { exitCode, signal, timedOut, aborted };
      const closed = setTimeout(() => finish(result), 2_000);
      child.on('close', () => {
        clearTimeout(closed);
        finish(result);
      });
    });
  });
}
