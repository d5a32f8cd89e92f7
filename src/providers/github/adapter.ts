import { ForgeInstallationRemovedError } from '../errors.js';
import { rateLimitFromHeaders } from '../http/failures.js';
import type { ForgeHttp } from '../http/forge-http.js';
import { matchesSearch, windowFromFilteredPages, windowFromPages, type ForgePage } from '../paging.js';
import type { GitHubAdapterSettings } from '../settings.js';
import type { BranchInfo, CommitStatus, ConnectionReport, ForgeAdapter, ListWindow, Page, RepositoryInfo, RequestAuthor } from '../types.js';
import { API_VERSION_HEADERS, createGitHubClient, type GitHubClient } from './client.js';
import { setCommitStatus } from './commit-status.js';
import { changedFiles } from './compare.js';
import { gitHubForgeError } from './errors.js';
import { parseFullName } from './repository-name.js';
import { resolveGitHubSettings, type ResolvedGitHubSettings } from './settings.js';
import { getRepository, resolveCommit, sourceAccess } from './source.js';
import { isTrustedAuthor } from './membership.js';
import { installationTokenCache, type InstallationTokenCache } from './token-cache.js';
import { gitHubWebhooks } from './webhooks.js';
import { hasNextPage, toBranch, toRepository, type WireBranch, type WireRepository } from './wire.js';

/** GitHub's largest page (its default is 30). */
export const PAGE_SIZE = 100;

interface Session {
  settings: ResolvedGitHubSettings;
  client: GitHubClient;
  tokens: InstallationTokenCache;
}

/**
 * A GitHub App installation, through octokit. Windows are cut from numbered pages (`page=N&per_page=100`)
 * rather than by following `Link` from page 1: a window at offset 300 costs the one or two pages it covers,
 * not every page before it. `Link` still says whether a next page exists. GitHub cannot search an
 * installation's repositories or a repository's branches, so `search` reads the whole listing and filters.
 */
export function createGitHubAdapter(settings: GitHubAdapterSettings, http: ForgeHttp): ForgeAdapter {
  let session: Session | undefined;
  const open = (): Session => {
    if (session) return session;
    const resolved = resolveGitHubSettings(settings);
    const tokens = installationTokenCache({ ...resolved, appIdentity: String(resolved.appIdentity) });
    const client = createGitHubClient(
      { ...resolved, tokenCache: tokens, throttleId: `forgegraph:${resolved.apiBaseUrl}:${resolved.installationId}` },
      http,
    );
    session = { settings: resolved, client, tokens };
    return session;
  };

  /** Runs GitHub calls; whatever they throw comes out as a typed ForgeError. */
  async function run<T>(work: (session: Session) => Promise<T>): Promise<T> {
    const current = open();
    try {
      return await work(current);
    } catch (error) {
      throw gitHubForgeError(error, {
        onInstallationTokenRejected: () => current.tokens.forget(),
        installationId: current.settings.installationId,
        apiBaseUrl: current.settings.apiBaseUrl,
      });
    }
  }

  return {
    testConnection: () =>
      run(async ({ client, settings: { installationId } }): Promise<ConnectionReport> => {
        // As the App (JWT): who it is, and the installation it acts for.
        const [app, installation] = await Promise.all([
          client.request('GET /app', { headers: API_VERSION_HEADERS }),
          client.request('GET /app/installations/{installation_id}', { installation_id: Number(installationId), headers: API_VERSION_HEADERS }),
        ]);
        if (installation.data.suspended_at) throw new ForgeInstallationRemovedError(installationId, 'suspended');
        // As the installation (its token): how many repositories it reaches, and its rate limit.
        const repositories = await client.request('GET /installation/repositories', { per_page: 1, headers: API_VERSION_HEADERS });

        const granted = (installation.data.permissions ?? {}) as Record<string, string | undefined>;
        const requested = (app.data?.permissions ?? {}) as Record<string, string | undefined>;
        const warnings: string[] = [];
        const pending = Object.entries(requested)
          .filter(([name, level]) => level && granted[name] !== level)
          .map(([name, level]) => `${name}: ${level}`);
        if (pending.length) {
          warnings.push(`The installation has not accepted all the permissions the App asks for (${pending.sort().join(', ')}); an owner of the account can review them in its GitHub settings`);
        }
        const repositoryCount = repositories.data.total_count;
        if (repositoryCount === 0) warnings.push('The installation has access to no repository; grant it some in the App installation settings');
        const account = installation.data.account as { login?: string; slug?: string; name?: string | null } | null;
        return {
          identity: app.data?.slug ?? app.data?.name ?? String(settings.githubAppId ?? settings.githubClientId),
          account: account?.login ?? account?.slug ?? account?.name ?? null,
          permissions: Object.entries(granted)
            .filter(([, level]) => level)
            .map(([name, level]) => `${name}:${level}`)
            .sort(),
          repositoryCount,
          hasRepositories: repositoryCount > 0,
          rateLimit: rateLimitFromHeaders(stringHeaders(repositories.headers)),
          warnings,
        };
      }),

    listRepositories: (window: ListWindow) =>
      run(async ({ client }): Promise<Page<RepositoryInfo>> => {
        const fetchPage = async (page: number): Promise<ForgePage<RepositoryInfo>> => {
          const response = await client.request('GET /installation/repositories', { per_page: PAGE_SIZE, page, headers: API_VERSION_HEADERS });
          return {
            items: response.data.repositories.map((repository) => toRepository(repository as WireRepository)),
            hasMore: hasNextPage(response.headers.link),
            totalCount: response.data.total_count,
          };
        };
        return window.search
          ? windowFromFilteredPages(fetchPage, (repository) => matchesSearch(window.search, repository.name, repository.fullName), window)
          : windowFromPages(fetchPage, window, PAGE_SIZE);
      }),

    listBranches: (repository: string, window: ListWindow) =>
      run(async ({ client }): Promise<Page<BranchInfo>> => {
        const { owner, repo } = parseFullName(repository);
        const fetchPage = async (page: number): Promise<ForgePage<WireBranch>> => {
          const response = await client.request('GET /repos/{owner}/{repo}/branches', { owner, repo, per_page: PAGE_SIZE, page, headers: API_VERSION_HEADERS });
          const hasMore = hasNextPage(response.headers.link);
          return {
            items: response.data,
            hasMore,
            // The branch listing has no count; reaching its last page gives one.
            totalCount: hasMore ? null : (page - 1) * PAGE_SIZE + response.data.length,
          };
        };
        // The branch listing does not say which branch is the default: the repository does (one call per listing).
        const [details, branches] = await Promise.all([
          client.request('GET /repos/{owner}/{repo}', { owner, repo, headers: API_VERSION_HEADERS }),
          window.search
            ? windowFromFilteredPages(fetchPage, (branch) => matchesSearch(window.search, branch.name), window)
            : windowFromPages(fetchPage, window, PAGE_SIZE),
        ]);
        const defaultBranch = details.data.default_branch ?? null;
        return { items: branches.items.map((branch) => toBranch(branch, defaultBranch)), totalCount: branches.totalCount };
      }),

    getRepository: (repository: string) => run(({ client }) => getRepository(client, repository)),

    resolveCommit: (repository: string, ref: string) => run(({ client }) => resolveCommit(client, repository, ref)),

    sourceAccess: (repository: string) => run(({ client, settings: resolved }) => sourceAccess(client, resolved, repository)),

    setCommitStatus: (repository: string, sha: string, status: CommitStatus) => run(({ client }) => setCommitStatus(client, repository, sha, status)),

    changedFiles: (repository: string, base: string, head: string) => run(({ client }) => changedFiles(client, repository, base, head)),

    isTrustedAuthor: (repository: string, author: RequestAuthor) => run(({ client }) => isTrustedAuthor(client, repository, author)),

    ...gitHubWebhooks,
  };
}

function stringHeaders(headers: Record<string, string | number | undefined>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, value === undefined ? undefined : String(value)]));
}
