import { ForgeAuthFailedError, ForgeMisconfiguredError, ForgeNotFoundError } from '../errors.js';
import type { ForgeHttp } from '../http/forge-http.js';
import { rateLimitFromHeaders } from '../http/failures.js';
import type { ForgePage } from '../paging.js';
import type { GitLabAdapterSettings } from '../settings.js';
import type { BranchInfo, ConnectionReport, ForgeAdapter, ListWindow, Page, RateLimitInfo, RepositoryInfo } from '../types.js';
import { createGitLabClient, type GitLabCall, type GitLabClient } from './client.js';
import { gitLabCommitStatus } from './commit-status.js';
import { gitLabChanges } from './compare.js';
import { effectiveGroups, gitLabConfig, type GitLabConfig } from './config.js';
import { gitLabError, type GitLabTarget } from './errors.js';
import { GitLabResponseError } from './requester.js';
import { PAGE_SIZE, windowFromListings, type PageFetcher } from './listing.js';
import { gitLabMembership } from './membership.js';
import { projectRef } from './project-ref.js';
import { gitLabSource } from './source.js';
import { gitLabWebhooks } from './webhooks.js';
import {
  branchFromWire,
  repositoryFromProject,
  scopesFromTokenInfo,
  type GitLabBranch,
  type GitLabProject,
  type GitLabTokenInfo,
  type GitLabUser,
} from './wire.js';

/**
 * What gitbeaker answers for one page with `showExpanded` and `page` (it then stops after that page). Its
 * overloads tie option and result types to generic pagination modes, so calls pass their options `as never`
 * and read the result as this shape.
 */
interface ExpandedPage<T> {
  data: T[];
  paginationInfo: { total: number; next: number | null };
}

/** Token scopes that let the REST API read projects and branches. */
const API_SCOPES = ['api', 'read_api'];
const TOKEN_EXPIRY_WARNING_SECONDS = 15 * 60;

/**
 * GitLab through @gitbeaker/rest with the OAuth access token, on the internal URL when one is set.
 * Repositories are the user's memberships, or the projects of the groups in groupName (subgroups
 * included); search is GitLab's own `search`; pages are 100 items, ordered by id for stable offsets.
 * The token comes from `settings.tokens` before every request (it may have been refreshed meanwhile); a
 * 401 `invalid_token` asks it once for a better one and, if there is one, the request is made once more.
 * Repositories, commits and clone access are in ./source.ts, commit statuses in ./commit-status.ts, changed files
 * in ./compare.ts, membership in ./membership.ts and project hooks in ./webhooks.ts.
 */
export function createGitLabAdapter(settings: GitLabAdapterSettings, http: ForgeHttp): ForgeAdapter {
  let config: GitLabConfig | undefined;
  let client: { token: string; client: GitLabClient } | undefined;
  /** Every token this adapter sent: none may appear in an error message. */
  const sent = new Set<string>();
  // Settings are checked on first use, so a misconfigured provider fails as a typed error of the call.
  const connect = () => (config ??= gitLabConfig(settings));
  const clientFor = (token: string): GitLabClient => {
    if (client?.token !== token) client = { token, client: createGitLabClient(connect(), token, http) };
    sent.add(token);
    return client.client;
  };
  const usable = (token: string | null) => {
    const trimmed = token?.trim();
    if (!trimmed) throw new ForgeMisconfiguredError('The GitLab provider has no access token', 'accessToken');
    return trimmed;
  };

  /** Runs one GitLab call; any failure comes out as a typed ForgeError without a cause. */
  const call: GitLabCall = async <T>(target: GitLabTarget, run: (client: GitLabClient, token: string) => Promise<T>, secrets: readonly string[] = []): Promise<T> => {
    const { forgeName } = connect();
    let token = usable(await settings.tokens.current());
    for (let attempt = 0; ; attempt++) {
      try {
        return await run(clientFor(token), token);
      } catch (error) {
        // Expired, revoked (a refresh elsewhere rotated it) or unknown: the token source decides whether a
        // newer token exists or a refresh is worth it; one retry at most.
        if (attempt === 0 && error instanceof GitLabResponseError && error.status === 401 && error.oauthError === 'invalid_token') {
          const next = (await settings.tokens.afterUnauthorized(token))?.trim();
          if (next && next !== token) {
            token = next;
            continue;
          }
        }
        throw gitLabError(error, target, { forgeName, secrets: [...sent, ...secrets] });
      }
    }
  };

  function projectsPage(group: string | null, page: number, perPage: number, search: string | undefined): Promise<ForgePage<RepositoryInfo>> {
    const options = { perPage, page, orderBy: 'id', sort: 'asc', showExpanded: true, ...(search ? { search } : {}) } as const;
    return call(group ? { kind: 'group', group } : { kind: 'projects' }, async (client) => {
      const result = (group
        ? await client.groups.allProjects(group, { ...options, includeSubgroups: true } as never)
        : await client.projects.all({ ...options, membership: true } as never)) as unknown as ExpandedPage<GitLabProject>;
      return forgePage(result, repositoryFromProject);
    });
  }

  return {
    async testConnection(): Promise<ConnectionReport> {
      const config = connect();
      const user = (await call({ kind: 'user' }, (client) => client.users.showCurrentUser({ showExpanded: true }))) as unknown as {
        data: GitLabUser;
        headers: Record<string, string>;
      };
      const warnings: string[] = [];
      const { kept, covered } = effectiveGroups(config.groups);
      for (const { group, by } of covered) {
        warnings.push(`GitLab group "${group}" is inside "${by}", whose projects already include its subgroups`);
      }

      const [tokenInfo, counts] = await Promise.all([
        call({ kind: 'tokenInfo' }, (client) => client.users.requester.get<Record<string, unknown>>('../../oauth/token/info')).then(
          (response) => response.body as GitLabTokenInfo,
          (error: unknown) => {
            // Instances without Doorkeeper's token info, or tokens it does not know (a personal access token
            // that /user just accepted), say nothing of scopes.
            if (error instanceof ForgeNotFoundError || error instanceof ForgeAuthFailedError) return null;
            throw error;
          },
        ),
        config.groups.length
          ? // Every listed group must exist; only the ones not inside another are counted.
            Promise.all(config.groups.map((group) => projectsPage(group, 1, 1, undefined).then((page) => (kept.includes(group) ? page : null))))
          : Promise.all([projectsPage(null, 1, 1, undefined)]),
      ]);

      const permissions = tokenInfo ? scopesFromTokenInfo(tokenInfo) : null;
      if (permissions && !permissions.some((scope) => API_SCOPES.includes(scope))) {
        warnings.push(`The access token has the scopes ${permissions.join(', ') || '(none)'}; listing repositories and branches needs read_api or api`);
      } else if (permissions && !permissions.includes('api')) {
        warnings.push('The access token has no api scope: deployments cannot post commit statuses (read_api allows reading only)');
      }
      if (typeof tokenInfo?.expires_in === 'number' && tokenInfo.expires_in <= TOKEN_EXPIRY_WARNING_SECONDS) {
        warnings.push(`The access token expires in ${Math.max(0, Math.round(tokenInfo.expires_in / 60))} minutes`);
      }

      const counted = counts.filter((page): page is ForgePage<RepositoryInfo> => page !== null);
      const hasRepositories = counted.some((page) => page.items.length > 0);
      // One listing has an exact count; several may share projects, so their sum would overcount.
      const repositoryCount = counted.length === 1 ? (counted[0]!.totalCount ?? null) : null;
      if (!hasRepositories) {
        warnings.push(
          config.groups.length
            ? `No projects are reachable in the GitLab group(s) ${config.groups.join(', ')} with these credentials`
            : 'The GitLab user is not a member of any project',
        );
      }

      return {
        identity: user.data.username,
        account: config.groups.length ? config.groups.join(', ') : null,
        permissions,
        repositoryCount,
        hasRepositories,
        rateLimit: rateLimitOrNull(rateLimitFromHeaders(user.headers)),
        warnings,
      };
    },

    async listRepositories(window: ListWindow): Promise<Page<RepositoryInfo>> {
      const config = connect();
      const search = window.search?.trim() || undefined;
      const { kept } = effectiveGroups(config.groups);
      const listings: PageFetcher<RepositoryInfo>[] = kept.length
        ? kept.map((group) => (page: number) => projectsPage(group, page, PAGE_SIZE, search))
        : [(page: number) => projectsPage(null, page, PAGE_SIZE, search)];
      return windowFromListings(listings, (repository) => repository.forgeId, window);
    },

    async listBranches(repository: string, window: ListWindow): Promise<Page<BranchInfo>> {
      connect();
      const { name, id: projectId } = projectRef(repository);
      // GitLab's own search: a case-insensitive substring (a leading ^ or trailing $ anchors it).
      const search = window.search?.trim() || undefined;
      const fetchPage = (page: number) =>
        call({ kind: 'project', project: name }, async (client) => {
          const result = (await client.branches.all(projectId, {
            perPage: PAGE_SIZE,
            page,
            showExpanded: true,
            ...(search ? { search } : {}),
          } as never)) as unknown as ExpandedPage<GitLabBranch>;
          return forgePage(result, branchFromWire);
        });
      return windowFromListings([fetchPage], (branch) => branch.name, window);
    },

    ...gitLabSource(call, connect),
    ...gitLabCommitStatus(call, connect),
    ...gitLabChanges(call, connect),
    ...gitLabMembership(call, connect),
    ...gitLabWebhooks(call, connect),
  };
}

function forgePage<W, T>(result: ExpandedPage<W>, map: (wire: W) => T): ForgePage<T> {
  const total = result.paginationInfo.total;
  return {
    items: result.data.map(map),
    // X-Next-Page is "" on the last page, which gitbeaker reads as null.
    hasMore: result.paginationInfo.next !== null,
    totalCount: Number.isFinite(total) ? total : null,
  };
}

function rateLimitOrNull(info: RateLimitInfo): RateLimitInfo | null {
  return info.limit === null && info.remaining === null && info.resetAt === null ? null : info;
}
