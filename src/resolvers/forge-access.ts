import { performance } from 'node:perf_hooks';
import DataLoader from 'dataloader';
import type { SecretBox } from '../crypto/secret-box.js';
import type { Prisma, PrismaClient } from '../generated/prisma/client.js';
import type { Logger } from '../logger.js';
import { ForgeError, ForgeInstallationRemovedError } from '../providers/errors.js';
import type { ForgeHttp } from '../providers/http/forge-http.js';
import { createForgeAdapter } from '../providers/index.js';
import type { AdapterSettings } from '../providers/settings.js';
import type { BranchInfo, CommitInfo, ConnectionReport, WebhookRegistration, ForgeAdapter, ListWindow, Page, RepositoryInfo } from '../providers/types.js';
import { NotFoundError } from './errors.js';
import { openProviderSecrets, visibleProviders } from './git-providers.js';
import { providerTokenSource } from './provider-tokens.js';
import type { Viewer } from './viewer.js';

export interface ForgeAccessDeps {
  db: PrismaClient;
  secrets: SecretBox;
  http: ForgeHttp;
  bitbucketApiUrl: string;
  /** Where a failed token store is reported (see provider-tokens.ts). */
  logger?: Logger;
}

export interface ConnectionTestResult extends ConnectionReport {
  checkedAt: Date;
  roundTripMs: number;
}

type ForgeCall =
  | { providerId: string; kind: 'repositories'; window: ListWindow }
  | { providerId: string; kind: 'branches'; repository: string; window: ListWindow };

/**
 * A request's access to forges: one adapter per provider, and each distinct forge call made once per
 * request however many fields ask for it.
 */
export function createForgeAccess(deps: ForgeAccessDeps, viewer: Viewer) {
  const adapters = new Map<string, Promise<ForgeAdapter>>();
  const adapterFor = (providerId: string) => {
    let adapter = adapters.get(providerId);
    if (!adapter) {
      adapter = loadAdapter(deps, viewer, providerId);
      adapters.set(providerId, adapter);
    }
    return adapter;
  };
  const calls = new DataLoader<ForgeCall, unknown, string>(
    (keys) =>
      Promise.all(
        keys.map(async (call) => {
          const adapter = await adapterFor(call.providerId);
          return call.kind === 'repositories' ? adapter.listRepositories(call.window) : adapter.listBranches(call.repository, call.window);
        }).map((result) => result.catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))))),
      ),
    { batch: false, cacheKeyFn: (call) => JSON.stringify(call) },
  );

  return {
    listRepositories: (providerId: string, window: ListWindow) =>
      calls.load({ providerId, kind: 'repositories', window }) as Promise<Page<RepositoryInfo>>,
    listBranches: (providerId: string, repository: string, window: ListWindow) =>
      calls.load({ providerId, kind: 'branches', repository, window }) as Promise<Page<BranchInfo>>,

    async getRepository(providerId: string, repository: string): Promise<RepositoryInfo> {
      return (await adapterFor(providerId)).getRepository(repository);
    },
    async resolveCommit(providerId: string, repository: string, ref: string): Promise<CommitInfo> {
      return (await adapterFor(providerId)).resolveCommit(repository, ref);
    },

    async createWebhook(providerId: string, repository: string, hook: WebhookRegistration): Promise<string> {
      return (await adapterFor(providerId)).createWebhook(repository, hook);
    },
    async deleteWebhook(providerId: string, repository: string, hookId: string): Promise<void> {
      return (await adapterFor(providerId)).deleteWebhook(repository, hookId);
    },

    /** Asks the forge who the credentials are, and records the outcome on the provider either way. */
    async testConnection(providerId: string): Promise<ConnectionTestResult> {
      const adapter = await adapterFor(providerId);
      const started = performance.now();
      const checkedAt = new Date();
      try {
        const report = await adapter.testConnection();
        await recordCheck(deps.db, providerId, { lastCheckedAt: checkedAt, lastCheckOk: true, lastCheckErrorCode: null, lastCheckMessage: null });
        return { ...report, checkedAt, roundTripMs: Math.round(performance.now() - started) };
      } catch (error) {
        if (error instanceof ForgeError) {
          await recordCheck(deps.db, providerId, { lastCheckedAt: checkedAt, lastCheckOk: false, lastCheckErrorCode: error.code, lastCheckMessage: error.message });
        }
        throw error;
      }
    },
  };
}

export type ForgeAccess = ReturnType<typeof createForgeAccess>;

async function recordCheck(
  db: PrismaClient,
  providerId: string,
  check: { lastCheckedAt: Date; lastCheckOk: boolean; lastCheckErrorCode: string | null; lastCheckMessage: string | null },
) {
  await db.gitProvider.updateMany({ where: { id: providerId }, data: check });
}

function loadAdapter(deps: ForgeAccessDeps, viewer: Viewer, providerId: string): Promise<ForgeAdapter> {
  return loadProviderAdapter(deps, { id: providerId, ...visibleProviders(viewer) });
}

/**
 * The adapter of the provider `where` finds, with its secrets opened. The request path passes the viewer's
 * visibility; the deployment worker, which acts for an application already allowed to use the provider,
 * passes the provider id alone.
 */
export async function loadProviderAdapter(deps: ForgeAccessDeps, where: Prisma.GitProviderWhereInput): Promise<ForgeAdapter> {
  const provider = await deps.db.gitProvider.findFirst({
    where,
    include: { github: true, gitlab: true, bitbucket: true, gitea: true, secrets: true },
  });
  if (!provider) throw new NotFoundError('Git provider');
  const secret = openProviderSecrets(deps.secrets, provider.id, provider.secrets);
  let settings: AdapterSettings;
  switch (provider.providerType) {
    case 'GITHUB':
      // A provider whose installation is gone answers every call at once, without asking GitHub.
      if (provider.connectionState === 'INSTALLATION_REMOVED') {
        return refusingAdapter(new ForgeInstallationRemovedError(provider.github?.githubInstallationId ?? null, provider.connectionStateReason));
      }
      settings = {
        type: 'GITHUB',
        githubUrl: provider.github?.githubUrl ?? 'https://github.com',
        githubAppId: provider.github?.githubAppId ?? null,
        githubClientId: provider.github?.githubClientId ?? null,
        githubInstallationId: provider.github?.githubInstallationId ?? null,
        githubPrivateKey: secret('githubPrivateKey'),
      };
      break;
    case 'GITLAB':
      settings = {
        type: 'GITLAB',
        gitlabUrl: provider.gitlab?.gitlabUrl ?? 'https://gitlab.com',
        gitlabInternalUrl: provider.gitlab?.gitlabInternalUrl ?? null,
        groupName: provider.gitlab?.groupName ?? null,
        // The stored OAuth token, refreshed before it expires and once after a 401 (provider-tokens.ts).
        tokens: providerTokenSource(deps, provider, secret('accessToken')),
      };
      break;
    case 'BITBUCKET':
      settings = {
        type: 'BITBUCKET',
        apiUrl: deps.bitbucketApiUrl,
        bitbucketUsername: provider.bitbucket?.bitbucketUsername ?? null,
        bitbucketEmail: provider.bitbucket?.bitbucketEmail ?? null,
        bitbucketWorkspaceName: provider.bitbucket?.bitbucketWorkspaceName ?? null,
        appPassword: secret('appPassword'),
        apiToken: secret('apiToken'),
      };
      break;
    case 'GITEA':
      settings = {
        type: 'GITEA',
        giteaUrl: provider.gitea!.giteaUrl,
        giteaInternalUrl: provider.gitea?.giteaInternalUrl ?? null,
        tokens: providerTokenSource(deps, provider, secret('accessToken')),
      };
      break;
  }
  const adapter = createForgeAdapter(settings, deps.http);
  return settings.type === 'GITHUB' ? recordingInstallationRemoval(deps.db, provider.id, settings.githubInstallationId, adapter) : adapter;
}

/** Every call fails with `error` (a provider in a state that needs the user to reconnect it). */
function refusingAdapter(error: ForgeError): ForgeAdapter {
  const refuse = () => Promise.reject(error);
  return {
    testConnection: refuse,
    listRepositories: refuse,
    listBranches: refuse,
    getRepository: refuse,
    resolveCommit: refuse,
    sourceAccess: refuse,
    setCommitStatus: refuse,
    changedFiles: refuse,
    isTrustedAuthor: refuse,
    createWebhook: refuse,
    deleteWebhook: refuse,
  };
}

/**
 * A GitHub adapter that, when GitHub says the installation is gone (deleted or suspended), moves the
 * provider to INSTALLATION_REMOVED with the reason, unless its installation ID changed meanwhile.
 */
function recordingInstallationRemoval(db: PrismaClient, providerId: string, installationId: string | null, adapter: ForgeAdapter): ForgeAdapter {
  const guard = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      if (error instanceof ForgeInstallationRemovedError) {
        await db.gitProvider.updateMany({
          where: { id: providerId, providerType: 'GITHUB', github: { is: { githubInstallationId: installationId } } },
          data: { connectionState: 'INSTALLATION_REMOVED', connectionStateReason: error.reason },
        });
      }
      throw error;
    }
  };
  return {
    testConnection: () => guard(() => adapter.testConnection()),
    listRepositories: (window) => guard(() => adapter.listRepositories(window)),
    listBranches: (repository, window) => guard(() => adapter.listBranches(repository, window)),
    getRepository: (repository) => guard(() => adapter.getRepository(repository)),
    resolveCommit: (repository, ref) => guard(() => adapter.resolveCommit(repository, ref)),
    sourceAccess: (repository) => guard(() => adapter.sourceAccess(repository)),
    setCommitStatus: (repository, sha, status) => guard(() => adapter.setCommitStatus(repository, sha, status)),
    changedFiles: (repository, base, head) => guard(() => adapter.changedFiles(repository, base, head)),
    isTrustedAuthor: (repository, author) => guard(() => adapter.isTrustedAuthor(repository, author)),
    createWebhook: (repository, hook) => guard(() => adapter.createWebhook(repository, hook)),
    deleteWebhook: (repository, hookId) => guard(() => adapter.deleteWebhook(repository, hookId)),
  };
}
