import path from 'node:path';
import type { Config } from '../config.js';

/** How deployments run; from the environment (config.ts), shortened in tests. */
export interface DeploySettings {
  /** Workspaces live here, one directory per running deployment, removed when it ends. */
  workspaceRoot: string;
  /** Deployments run at once by this instance. */
  concurrency: number;
  fetchTimeoutMs: number;
  buildTimeoutMs: number;
  /** A deployment's log is cut in the middle past this size (head and tail kept). */
  logMaxBytes: number;
  /** A deployment does not start while the workspace disk has less free space than this. */
  minFreeBytes: number;
  /** How often a running deployment marks itself alive and checks for a cancel request. */
  heartbeatMs: number;
  /** A running deployment not heard from for this long has lost its worker. */
  staleAfterMs: number;
  /** Runs a deployment gets before a lost worker fails it for good. */
  maxAttempts: number;
  /** How often idle workers ask the queue for a job. */
  pollingIntervalSeconds: number;
  /** Where commit statuses link to: the service's public URL. */
  publicUrl: string;
}

/** The service's deployment settings from its configuration. */
export function deploySettingsFrom(config: Config): DeploySettings {
  return {
    workspaceRoot: path.join(config.dataDir, 'workspaces'),
    concurrency: config.deploy.concurrency,
    fetchTimeoutMs: config.deploy.fetchTimeoutMs,
    buildTimeoutMs: config.deploy.buildTimeoutMs,
    logMaxBytes: config.deploy.logMaxBytes,
    minFreeBytes: config.deploy.minFreeBytes,
    heartbeatMs: Math.min(2_000, Math.floor(config.deploy.workerTimeoutMs / 5)),
    staleAfterMs: config.deploy.workerTimeoutMs,
    maxAttempts: 3,
    pollingIntervalSeconds: 1,
    publicUrl: config.publicUrl,
  };
}
