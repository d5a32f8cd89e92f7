import { runProcess, type ProcessResult } from './child-process.js';
import type { Workspace } from './workspace.js';

export interface BuildOptions {
  command: string;
  workspace: Workspace;
  /** What the build may know of its deployment. */
  deployment: { id: string; commitSha: string; ref: string };
  timeoutMs: number;
  signal: AbortSignal;
  onOutput(text: string): void;
}

/**
 * Runs the application's build command with `sh -c` in the checkout. Its environment is built from nothing:
 * no variable of the service (database URL, secret key, forge tokens) reaches it.
 */
export function runBuildCommand(options: BuildOptions): Promise<ProcessResult> {
  return runProcess({
    command: '/bin/sh',
    args: ['-c', options.command],
    cwd: options.workspace.source,
    env: {
      // The service's PATH is no secret, and builds expect the machine's tools (node, npm) on it.
      PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
      HOME: options.workspace.home,
      LANG: 'C.UTF-8',
      CI: 'true',
      FORGEGRAPH_DEPLOYMENT_ID: options.deployment.id,
      FORGEGRAPH_COMMIT_SHA: options.deployment.commitSha,
      FORGEGRAPH_REF: options.deployment.ref,
    },
    timeoutMs: options.timeoutMs,
    signal: options.signal,
    onOutput: options.onOutput,
  });
}
