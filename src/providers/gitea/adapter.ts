import type { HttpResponse, User } from 'gitea-js';
import { ForgeError, ForgeMisconfiguredError, ForgeNotFoundError, ForgeUnreachableError } from '../errors.js';
import type { ForgeHttp } from '../http/forge-http.js';
import { rateLimitFromHeaders } from '../http/failures.js';
import { matchesSearch, windowFromFilteredPages, windowFromPages, type ForgePage } from '../paging.js';
import type { GiteaAdapterSettings } from '../settings.js';
import type { BranchInfo, ConnectionReport, ForgeAdapter, ListWindow, Page, RepositoryInfo } from '../types.js';
import { createGiteaClient, type GiteaClient } from './client.js';
import { giteaChangedFiles } from './compare.js';
import { giteaError, isFailedResponse, unreadableBody } from './errors.js';
import { toBranchInfo, toRepositoryInfo } from './mapping.js';
import { giteaTrustedAuthor } from './membership.js';
import { GITEA_PAGE_SIZE, hasNextPage, PageSizeMismatch, totalCountOf } from './pagination.js';
import { giteaRepositoryAccess, type GiteaCalls } from './repository-access.js';
import { repositoryPath } from './repository-name.js';
import { giteaWebhooks } from './webhooks.js';

/**
 * Gitea, Forgejo and Codeberg (same API) through gitea-js, on the retrying ForgeHttp fetch (timeouts, the
 * address policy, Retry-After-aware retries of 429/5xx). Endpoints:
 * - testConnection: GET /user, then GET /user/repos?limit=1 (X-Total-Count)
 * - listRepositories: GET /user/repos?page&limit=50; with a search GET /user once (for uid), then
 *   GET /repos/search?q&uid&sort=alpha&order=asc&page&limit=50
 * - listBranches: GET /repos/{owner}/{repo} (default branch) and GET /repos/{owner}/{repo}/branches?page&limit=50;
 *   a search filters the whole branch listing here (Gitea has no branch search).
 * - getRepository, resolveCommit, sourceAccess, setCommitStatus: see ./repository-access.ts
 * - changedFiles: ./compare.ts; isTrustedAuthor: ./membership.ts; createWebhook, deleteWebhook: ./webhooks.ts
 * The access token comes from `settings.tokens` before every request; a 401 (Gitea does not say why: unknown,
 * expired or revoked) asks it once for a better one, and with one the request is made once more.
 */
export function createGiteaAdapter(settings: GiteaAdapterSettings, http: ForgeHttp): ForgeAdapter {
  const urlField = settings.giteaInternalUrl ? 'giteaInternalUrl' : 'giteaUrl';
  let client: { token: string; api: GiteaClient } | undefined;
  /** The token of the latest request: a change tells tellingAuthFromNotFound that a refresh happened meanwhile. */
  let tokenInUse: string | null = null;
  let currentUser: Promise<User> | undefined;
  /** What the instance serves per page; learnt downwards if its MAX_RESPONSE_ITEMS is below 50. */
  let pageSize = GITEA_PAGE_SIZE;

  const api = (token: string | null): GiteaClient => {
    if (!client || client.token !== token) client = { token: token ?? '', api: createGiteaClient(settings, token, http.fetchFn({ retry: true })) };
    return client.api;
  };

  /** One API call: every failure becomes a typed error built here, never the client's own object. */
  async function call<T>(
    request: (api: GiteaClient) => Promise<HttpResponse<T, unknown>>,
    notFound: () => ForgeError,
  ): Promise<{ data: T; headers: Headers; token: string | null }> {
    let token = (await settings.tokens.current())?.trim() ?? null;
    for (let attempt = 0; ; attempt++) {
      let response: HttpResponse<T, unknown>;
      try {
        const client = api(token);
        tokenInUse = token;
        response = await request(client);
      } catch (thrown) {
        if (attempt === 0 && token && isFailedResponse(thrown) && thrown.status === 401) {
          const next = (await settings.tokens.afterUnauthorized(token))?.trim();
          if (next && next !== token) {
            token = next;
            continue;
          }
        }
        throw giteaError(thrown, notFound);
      }
      if (response.error !== null || response.data === null || response.data === undefined) throw unreadableBody(response.error, urlField);
      return { data: response.data, headers: response.headers, token };
    }
  }

  const noApiHere = () => new ForgeMisconfiguredError(`The provider's ${urlField} does not lead to a Gitea API (HTTP 404 at /api/v1)`, urlField);

  /** GET /user, once per adapter (a failed call is not remembered). */
  function user(): Promise<User> {
    currentUser ??= call((a) => a.user.userGetCurrent(), noApiHere).then(
      ({ data }) => data,
      (error: unknown) => {
        currentUser = undefined;
        throw error;
      },
    );
    return currentUser;
  }

  function page<T>(items: unknown, headers: Headers, pageNumber: number, size: number, strict: boolean): ForgePage<T> {
    if (!Array.isArray(items)) throw unreadableBody(null, urlField);
    const hasMore = hasNextPage(headers, pageNumber, size, items.length);
    if (strict && hasMore && items.length > 0 && items.length !== size) throw new PageSizeMismatch(items.length);
    return { items: items as T[], hasMore: hasMore && items.length > 0, totalCount: totalCountOf(headers) };
  }

  /** windowFromPages, read again once with the instance's real page size if it serves smaller pages. */
  async function windowed<T>(fetchPage: (page: number, size: number) => Promise<ForgePage<T>>, window: ListWindow): Promise<Page<T>> {
    for (let attempt = 0; ; attempt++) {
      const size = pageSize;
      try {
        return await windowFromPages((n) => fetchPage(n, size), window, size);
      } catch (error) {
        if (!(error instanceof PageSizeMismatch)) throw error;
        if (attempt > 0) throw new ForgeUnreachableError('Gitea served pages of inconsistent size; the listing cannot be read reliably');
        pageSize = error.actual;
      }
    }
  }

  /**
   * An unknown or expired token makes Gitea answer anonymously, so a private repository looks missing: on a
   * ForgeNotFoundError GET /user tells the two apart (it answers 401 for a token Gitea does not accept). If that
   * 401 got the token refreshed, `read` runs once more with the new one.
   */
  async function tellingAuthFromNotFound<T>(read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (error) {
      if (!(error instanceof ForgeNotFoundError)) throw error;
      const before = tokenInUse;
      await user();
      if (tokenInUse !== before) return read();
      throw error;
    }
  }

  const userRepositories = async (n: number, size: number, strict: boolean): Promise<ForgePage<RepositoryInfo>> => {
    const { data, headers } = await call((a) => a.user.userCurrentListRepos({ page: n, limit: size }), noApiHere);
    const result = page<Parameters<typeof toRepositoryInfo>[0]>(data, headers, n, size, strict);
    return { ...result, items: result.items.map(toRepositoryInfo) };
  };

  const calls: GiteaCalls = {
    call,
    tellingAuthFromNotFound,
    checkedToken: async () => {
      const me = await call((a) => a.user.userGetCurrent(), noApiHere);
      currentUser = Promise.resolve(me.data);
      return me.token;
    },
    urlField,
  };

  return {
    async testConnection(): Promise<ConnectionReport> {
      const me = await call((a) => a.user.userGetCurrent(), noApiHere);
      currentUser = Promise.resolve(me.data);
      const repos = await call((a) => a.user.userCurrentListRepos({ page: 1, limit: 1 }), noApiHere);
      const repositoryCount = totalCountOf(repos.headers);
      const rateLimit = rateLimitFromHeaders(me.headers);
      const warnings: string[] = [];
      if (me.data.is_admin) {
        warnings.push('The token belongs to a Gitea site administrator; a dedicated account with access to only the repositories needed is safer.');
      }
      return {
        identity: me.data.login ?? '',
        account: null,
        permissions: null, // Gitea does not tell a token its own scopes
        repositoryCount,
        hasRepositories: repositoryCount !== null ? repositoryCount > 0 : Array.isArray(repos.data) && repos.data.length > 0,
        rateLimit: rateLimit.limit !== null || rateLimit.remaining !== null || rateLimit.resetAt !== null ? rateLimit : null,
        warnings,
      };
    },

    async listRepositories(window: ListWindow): Promise<Page<RepositoryInfo>> {
      const search = window.search?.trim();
      if (!search) return windowed((n, size) => userRepositories(n, size, true), window);
      if (/[%_,]/.test(search)) {
        // Gitea's q is a SQL LIKE (`%`, `_` are wildcards) split on commas: filter here to keep substring semantics.
        const keep = (repo: RepositoryInfo) => matchesSearch(search, search.includes('/') ? repo.fullName : repo.name);
        return windowFromFilteredPages((n) => userRepositories(n, pageSize, false), keep, window);
      }
      const { id: uid } = await user();
      return windowed(async (n, size) => {
        const { data, headers } = await call((a) => a.repos.repoSearch({ q: search, uid, sort: 'alpha', order: 'asc', page: n, limit: size }), noApiHere);
        const result = page<Parameters<typeof toRepositoryInfo>[0]>(data.data, headers, n, size, true);
        return { ...result, items: result.items.map(toRepositoryInfo) };
      }, window);
    },

    async listBranches(repository: string, window: ListWindow): Promise<Page<BranchInfo>> {
      const { o, r, notFound } = repositoryPath(repository);
      const search = window.search?.trim();
      const read = async (): Promise<Page<BranchInfo>> => {
        // The default branch (Gitea's branch list does not mark it) and the pages are fetched concurrently.
        const defaultBranch = call((a) => a.repos.repoGet(o, r), notFound).then(({ data }) => data.default_branch || null);
        const fetchPage = async (n: number, size: number, strict: boolean) => {
          const { data, headers } = await call((a) => a.repos.repoListBranches(o, r, { page: n, limit: size }), notFound);
          return page<Parameters<typeof toBranchInfo>[0]>(data, headers, n, size, strict);
        };
        const listing = search
          ? windowFromFilteredPages((n) => fetchPage(n, pageSize, false), (b) => matchesSearch(search, b.name ?? ''), window)
          : windowed((n, size) => fetchPage(n, size, true), window);
        const [name, result] = await Promise.all([defaultBranch, listing]);
        return { items: result.items.map((b) => toBranchInfo(b, name)), totalCount: result.totalCount };
      };
      return tellingAuthFromNotFound(read);
    },

    ...giteaRepositoryAccess(settings, calls),
    changedFiles: giteaChangedFiles(calls),
    isTrustedAuthor: giteaTrustedAuthor(calls),
    ...giteaWebhooks(calls),
  };
}
