import { spawn, type ChildProcess } from 'node:child_process';
import { ROOT } from './run-cli.js';

/** The environment of a user's shell: nothing of the test runner's database or forge settings leaks in. */
export function cliEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'info', ...extra };
  for (const name of ['DATABASE_URL', 'DATA_DIR', 'FORGEGRAPH_SECRET_KEY', 'PORT', 'FORGEGRAPH_ALLOWED_PRIVATE_HOSTS']) if (!(name in extra)) delete env[name];
  return env;
}

export interface Service {
  port: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** `node --import tsx src/server.ts` on a free port, once it logs that it listens. */
export function startService(env: Record<string, string>): Promise<Service> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: ROOT,
      env: cliEnv({ ...env, PORT: '0' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    const stop = async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(killer);
      }
    };
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`the service did not start within 45 s:\n${log}`));
    }, 45_000);
    const onData = (chunk: Buffer) => {
      log += chunk;
      const line = log.split('\n').find((l) => l.includes('forgegraph listening'));
      if (!line) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.stdout.resume();
      resolve({ port: (JSON.parse(line) as { port: number }).port, child, stop });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk) => (log += chunk));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the service exited (${code}) before listening:\n${log}`));
    });
  });
}

