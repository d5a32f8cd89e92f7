import { ForgeError } from '../providers/errors.js';
import type { AddressPolicy } from '../providers/http/address-policy.js';
import type { CommitState, ForgeAdapter } from '../providers/types.js';
import { loadProviderAdapter, type ForgeAccessDeps } from '../resolvers/forge-access.js';
import { runBuildCommand } from './build-command.js';
import { deploymentLink } from './deployment-link.js';
import { DeploymentLog } from './deployment-log.js';
import { appendLog, claimDeployment, finishDeployment, heartbeat, recordCommit, type ClaimedDeployment, type StoreDeps } from './deployment-store.js';
import type { DeploySettings } from './settings.js';
import { fetchSource, SourceFetchError } from './source-fetch.js';
import { createWorkspace, WorkspaceDiskFullError, type Workspace } from './workspace.js';

export interface RunnerDeps extends StoreDeps {
  forge: ForgeAccessDeps;
  policy: AddressPolicy;
  settings: DeploySettings;
  /** Deployments running in this process, so a cancel reaches them at once. */
  running: Map<string, AbortController>;
}

type Outcome = { status: 'SUCCEEDED' | 'FAILED' | 'CANCELLED'; message: string | null };

/** The status name deployments report on commits. */
export const STATUS_CONTEXT = 'forgegraph/deploy';

const CANCELLED: Outcome = { status: 'CANCELLED', message: 'Cancelled' };

/** A deployment job: claim the deployment (or leave it for later), then run it to an outcome. */
export async function runDeploymentJob(deps: RunnerDeps, deploymentId: string): Promise<void> {
  const claim = await claimDeployment(deps, deploymentId);
  if (claim.kind === 'run') await runDeployment(deps, claim.deployment);
}

/**
 * Resolves the commit, reports it pending, fetches exactly that commit into a fresh workspace, runs the build
 * command, and ends with an outcome reported to the forge too. A heartbeat keeps the deployment owned and
 * brings in cancel requests; losing ownership (recovery gave it to another worker) stops the run silently.
 */
async function runDeployment(deps: RunnerDeps, deployment: ClaimedDeployment): Promise<void> {
  const abort = new AbortController();
  let owned = true;
  deps.running.set(deployment.id, abort);
  const log = new DeploymentLog((text) => appendLog(deps, deployment.id, deployment.attempt, text), {
    maxBytes: deps.settings.logMaxBytes,
    tailBytes: Math.min(64 * 1024, Math.floor(deps.settings.logMaxBytes / 4)),
    flushMs: 200,
    chunkBytes: 16 * 1024,
  });
  const beat = setInterval(() => {
    heartbeat(deps, deployment.id, deployment.attempt).then(
      (state) => {
        if (!state.owned) owned = false;
        if (!state.owned || state.cancelRequested) abort.abort();
      },
      () => {},
    );
  }, deps.settings.heartbeatMs);

  let adapter: ForgeAdapter | null = null;
  let repository = '';
  let sha = deployment.commitSha;
  let workspace: Workspace | null = null;
  let outcome: Outcome;
  try {
    if (deployment.attempt > 1) log.line(`Starting again (attempt ${deployment.attempt} of ${deps.settings.maxAttempts})`);
    const application = await deps.db.application.findUniqueOrThrow({ where: { id: deployment.applicationId } });
    repository = application.repository;
    if (!application.gitProviderId) {
      outcome = { status: 'FAILED', message: 'The application has no Git provider (its provider was removed); give it one with updateApplication' };
    } else {
      adapter = await loadProviderAdapter(deps.forge, { id: application.gitProviderId, organizationId: application.organizationId });
      if (!sha) {
        log.line(`Resolving ${deployment.ref} in ${repository}`);
        const commit = await adapter.resolveCommit(repository, deployment.ref);
        sha = commit.sha;
        await recordCommit(deps, deployment.id, deployment.attempt, { sha, message: commit.message, author: commit.authorName });
        log.line(`${deployment.ref} is at ${sha}: ${firstLine(commit.message)}`);
      }
      await reportStatus(deps, adapter, repository, sha, deployment.id, 'PENDING', 'Deploying', log);
      outcome = await fetchAndBuild(deps, deployment, application, sha, adapter, abort.signal, log, (created) => (workspace = created));
    }
  } catch (error) {
    outcome = abort.signal.aborted ? CANCELLED : failedBecause(error, deps);
  } finally {
    clearInterval(beat);
    deps.running.delete(deployment.id);
  }
  if (abort.signal.aborted && outcome.status !== 'SUCCEEDED') outcome = CANCELLED;
  if (outcome.message && outcome.status === 'FAILED') log.line(outcome.message);
  await log.close();
  await (workspace as Workspace | null)?.remove().catch(() => {});
  if (!owned) return;
  if (adapter && sha) {
    const [state, description] = outcome.status === 'SUCCEEDED' ? (['SUCCESS', 'Deployed'] as const) : outcome.status === 'FAILED' ? (['FAILURE', 'Deployment failed'] as const) : (['ERROR', 'Deployment cancelled'] as const);
    await reportStatus(deps, adapter, repository, sha, deployment.id, state, description, log);
    await log.close();
  }
  await finishDeployment(deps, deployment, outcome);
}

async function fetchAndBuild(
  deps: RunnerDeps,
  deployment: ClaimedDeployment,
  application: { repository: string; buildCommand: string | null },
  sha: string,
  adapter: ForgeAdapter,
  signal: AbortSignal,
  log: DeploymentLog,
  created: (workspace: Workspace) => void,
): Promise<Outcome> {
  const workspace = await createWorkspace(deps.settings.workspaceRoot, deployment.id, deps.settings.minFreeBytes);
  created(workspace);
  const access = await adapter.sourceAccess(application.repository);
  log.mask(access.password);
  await fetchSource({
    access,
    sha,
    ref: deployment.ref,
    directory: workspace.source,
    policy: deps.policy,
    timeoutMs: deps.settings.fetchTimeoutMs,
    signal,
    onOutput: (text) => log.append(text),
  });
  if (!application.buildCommand) {
    log.line('No build command; the source is fetched');
    return { status: 'SUCCEEDED', message: null };
  }
  log.line(`$ ${application.buildCommand}`);
  const result = await runBuildCommand({
    command: application.buildCommand,
    workspace,
    deployment: { id: deployment.id, commitSha: sha, ref: deployment.ref },
    timeoutMs: deps.settings.buildTimeoutMs,
    signal,
    onOutput: (text) => log.append(text),
  });
  if (result.aborted) return CANCELLED;
  if (result.timedOut) return { status: 'FAILED', message: `The build command ran longer than ${Math.round(deps.settings.buildTimeoutMs / 1000)} s and was stopped` };
  if (result.exitCode === 0) return { status: 'SUCCEEDED', message: null };
  return { status: 'FAILED', message: `The build command failed (${result.exitCode === null ? `signal ${result.signal}` : `exit code ${result.exitCode}`})` };
}

/** Sets the commit status on the forge; a forge that refuses is noted in the log and fails nothing. */
async function reportStatus(deps: RunnerDeps, adapter: ForgeAdapter, repository: string, sha: string, deploymentId: string, state: CommitState, description: string, log: DeploymentLog) {
  try {
    await adapter.setCommitStatus(repository, sha, { state, context: STATUS_CONTEXT, description, targetUrl: deploymentLink(deps.settings.publicUrl, deploymentId) });
  } catch (error) {
    log.line(`Could not set the commit status (${state.toLowerCase()}) on the forge: ${error instanceof ForgeError ? error.message : 'unexpected error'}`);
  }
}

function failedBecause(error: unknown, deps: RunnerDeps): Outcome {
  if (error instanceof ForgeError || error instanceof SourceFetchError || error instanceof WorkspaceDiskFullError) return { status: 'FAILED', message: error.message };
  deps.forge.logger?.error({ err: error }, 'deployment failed unexpectedly');
  return { status: 'FAILED', message: 'The deployment failed on an unexpected error; the service log has the details' };
}

function firstLine(message: string): string {
  return message.split('\n', 1)[0] ?? '';
}
