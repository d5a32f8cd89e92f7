import { ForgeAuthFailedError, ForgeNotFoundError } from '../errors.js';
import type { ForgeHttp } from '../http/forge-http.js';
import type { BitbucketAdapterSettings } from '../settings.js';
import type {
  BranchInfo,
  CommitInfo,
  CommitStatus,
  ConnectionReport,
  ForgeAdapter,
  ListWindow,
  Page,
  RateLimitInfo,
  RepositoryInfo,
  RequestAuthor,
  SourceAccess,
  WebhookRegistration,
} from '../types.js';
import { bbqlString, nameContains } from './bbql.js';
import { BitbucketApi } from './client.js';
import { setCommitStatus } from './commit-status.js';
import { changedFiles } from './compare.js';
import { appPasswordWarning, bitbucketCredentials } from './credentials.js';
import { FORGE, type Subject } from './errors.js';
import { identityOf, toBranch, toRepository } from './mappers.js';
import { isTrustedAuthor } from './membership.js';
import { type BitbucketPage, PAGE_LENGTH, windowFollowingNext } from './paging.js';
import { protectionMatcher } from './protection.js';
import { repositoryPath } from './repository-name.js';
import { readRepository, resolveCommit, sourceAccess } from './source.js';
import { createWebhook, deleteWebhook } from './webhooks.js';
import type { WireBranch, WireBranchRestriction, WireRepository } from './wire.js';

/**
 * Bitbucket Cloud 2.0 through `@coderabbitai/bitbucket` (openapi-fetch over the official spec), with Basic
 * auth: Atlassian account email + API token, or username + app password. Repositories are those of
 * `bitbucketWorkspaceName`, or, without one, every repository the account is a member of.
 */
export function createBitbucketAdapter(settings: BitbucketAdapterSettings, http: ForgeHttp): ForgeAdapter {
  const workspace = settings.bitbucketWorkspaceName?.trim() || null;
  let api: BitbucketApi | undefined;
  // Credentials are checked on first use, so a misconfigured provider fails each call with a typed error.
  const connect = (): BitbucketApi => (api ??= new BitbucketApi(settings, http, bitbucketCredentials(settings)));
  const listingSubject: Subject = workspace ? { kind: 'workspace', name: workspace } : { kind: 'repositories' };

  /** One page of the repository listing, asked for by number (the first page a window touches). */
  const repositoryPage = async (bb: BitbucketApi, page: number, pagelen: number, q: string | null): Promise<BitbucketPage<WireRepository>> => {
    // `page`/`pagelen` are Bitbucket's generic paging parameters, which the spec does not declare per operation.
    if (workspace) {
      const query: { q?: string; sort?: string } = { pagelen, page, sort: 'full_name', ...(q ? { q } : {}) } as { q?: string; sort?: string };
      const { data } = await bb.call(listingSubject, () => bb.client.GET('/repositories/{workspace}', { params: { path: { workspace }, query } }));
      return data;
    }
    const query: { role: 'member'; q?: string; sort?: string } = { role: 'member', pagelen, page, sort: 'full_name', ...(q ? { q } : {}) } as { role: 'member' };
    const { data } = await bb.call(listingSubject, () => bb.client.GET('/repositories', { params: { query } }));
    return data;
  };

  /** A later page of the repository listing: the previous answer's `next`, verbatim. */
  const repositoryNext = async (bb: BitbucketApi, next: string): Promise<BitbucketPage<WireRepository>> => {
    const fetch = bb.following(next);
    const { data } = workspace
      ? await bb.call(listingSubject, () => bb.client.GET('/repositories/{workspace}', { params: { path: { workspace } }, fetch }))
      : await bb.call(listingSubject, () => bb.client.GET('/repositories', { fetch }));
    return data;
  };

  return {
    async testConnection(): Promise<ConnectionReport> {
      const bb = connect();
      // Independent calls in parallel; their failures are reported in a fixed order (credentials first).
      const [user, memberships, listing] = await Promise.allSettled([
        bb.call({ kind: 'account' }, () => bb.client.GET('/user')),
        workspace
          ? bb.call({ kind: 'workspace', name: workspace }, () =>
              bb.client.GET('/user/permissions/workspaces', { params: { query: { q: `workspace.slug = ${bbqlString(workspace)}` } } }),
            )
          : Promise.resolve(null),
        repositoryPage(bb, 1, 1, null),
      ]);
      if (user.status === 'rejected') throw user.reason;
      if (listing.status === 'rejected') throw listing.reason;
      const identity = identityOf(user.value.data);
      const warnings: string[] = [];
      if (bb.credentials.kind === 'appPassword') warnings.push(appPasswordWarning());

      let permissions: string[] | null = null;
      if (memberships.status === 'rejected') {
        // The credentials work (GET /user answered); they may just lack the scope to read memberships.
        if (!(memberships.reason instanceof ForgeAuthFailedError)) throw memberships.reason;
        warnings.push(`The credentials cannot read workspace memberships (${FORGE} scope read:workspace:bitbucket), so the permission in "${workspace}" is unknown.`);
      } else if (memberships.value) {
        const membership = memberships.value.data.values?.find((m) => m.workspace?.slug?.toLowerCase() === workspace?.toLowerCase());
        const permission = (membership as { permission?: unknown } | undefined)?.permission;
        if (typeof permission === 'string') permissions = [`workspace:${permission}`];
        else warnings.push(`${identity} is not a member of workspace "${workspace}"; only repositories shared with the account directly are visible.`);
      }

      const values = listing.value.values ?? [];
      return {
        identity,
        account: workspace,
        permissions,
        repositoryCount: listing.value.size ?? null,
        hasRepositories: values.length > 0 || (listing.value.size ?? 0) > 0,
        rateLimit: rateLimitOf(user.value.response.headers),
        warnings,
      };
    },

    async listRepositories(window: ListWindow): Promise<Page<RepositoryInfo>> {
      const bb = connect();
      const q = window.search ? nameContains(window.search) : null;
      const page = await windowFollowingNext(
        (number) => repositoryPage(bb, number, PAGE_LENGTH, q),
        (next) => repositoryNext(bb, next),
        window,
      );
      return { items: page.items.map(toRepository), totalCount: page.totalCount };
    },

    async listBranches(repository: string, window: ListWindow): Promise<Page<BranchInfo>> {
      const bb = connect();
      const path = repositoryPath(repository);
      const subject: Subject = { kind: 'repository', name: `${path.workspace}/${path.repo_slug}` };
      const q = window.search ? nameContains(window.search) : null;

      // The branch endpoint says neither which branch is the main one nor which are restricted: the
      // repository (its mainbranch) and its branch restrictions are read once per listing, in parallel.
      const [repo, restrictions, branches] = await Promise.allSettled([
        bb.call(subject, () => bb.client.GET('/repositories/{workspace}/{repo_slug}', { params: { path } })),
        readRestrictions(bb, subject, path),
        windowFollowingNext<WireBranch>(
          async (page) => {
            const query = { pagelen: PAGE_LENGTH, page, sort: 'name', ...(q ? { q } : {}) } as { q?: string; sort?: string };
            const { data } = await bb.call(subject, () => bb.client.GET('/repositories/{workspace}/{repo_slug}/refs/branches', { params: { path, query } }));
            return data;
          },
          async (next) => {
            const fetch = bb.following(next);
            const { data } = await bb.call(subject, () => bb.client.GET('/repositories/{workspace}/{repo_slug}/refs/branches', { params: { path }, fetch }));
            return data;
          },
          window,
        ),
      ]);
      if (repo.status === 'rejected') throw repo.reason;
      if (branches.status === 'rejected') throw branches.reason;
      if (restrictions.status === 'rejected') throw restrictions.reason;
      const defaultBranch = repo.value.data.mainbranch?.name ?? null;
      const isProtected = protectionMatcher(restrictions.value);
      return { items: branches.value.items.map((branch) => toBranch(branch, defaultBranch, isProtected)), totalCount: branches.value.totalCount };
    },

    async getRepository(repository: string): Promise<RepositoryInfo> {
      return toRepository(await readRepository(connect(), repository));
    },

    async resolveCommit(repository: string, ref: string): Promise<CommitInfo> {
      return resolveCommit(connect(), repository, ref);
    },

    async sourceAccess(repository: string): Promise<SourceAccess> {
      return sourceAccess(connect(), settings.apiUrl, repository);
    },

    async setCommitStatus(repository: string, sha: string, status: CommitStatus): Promise<void> {
      await setCommitStatus(connect(), repository, sha, status);
    },

    async changedFiles(repository: string, base: string, head: string): Promise<string[]> {
      return changedFiles(connect(), repository, base, head);
    },

    async isTrustedAuthor(repository: string, author: RequestAuthor): Promise<boolean> {
      return isTrustedAuthor(connect(), repository, author);
    },

    async createWebhook(repository: string, hook: WebhookRegistration): Promise<string> {
      return createWebhook(connect(), repository, hook);
    },

    async deleteWebhook(repository: string, hookId: string): Promise<void> {
      await deleteWebhook(connect(), repository, hookId);
    },
  };
}

/**
 * Every branch restriction of a repository (usually one page). Reading them takes admin access to the
 * repository; without it (403) no branch is reported as protected.
 */
async function readRestrictions(bb: BitbucketApi, subject: Subject, path: { workspace: string; repo_slug: string }): Promise<WireBranchRestriction[]> {
  const all: WireBranchRestriction[] = [];
  try {
    const query = { pagelen: PAGE_LENGTH } as { kind?: string };
    let { data } = await bb.call(subject, () => bb.client.GET('/repositories/{workspace}/{repo_slug}/branch-restrictions', { params: { path, query } }));
    all.push(...(data.values ?? []));
    while (data.next) {
      const fetch = bb.following(data.next);
      ({ data } = await bb.call(subject, () => bb.client.GET('/repositories/{workspace}/{repo_slug}/branch-restrictions', { params: { path }, fetch })));
      all.push(...(data.values ?? []));
    }
  } catch (error) {
    // 401 is reported by the repository call made alongside; 403 means "not an admin here".
    if (error instanceof ForgeAuthFailedError || error instanceof ForgeNotFoundError) return [];
    throw error;
  }
  return all;
}

/** Bitbucket sends X-RateLimit-Limit (with -Resource and -NearLimit) only for access tokens and Forge apps. */
function rateLimitOf(headers: Headers): RateLimitInfo | null {
  const limit = Number(headers.get('x-ratelimit-limit'));
  if (!headers.has('x-ratelimit-limit') || Number.isNaN(limit)) return null;
  const remaining = headers.get('x-ratelimit-remaining');
  return { limit, remaining: remaining !== null && !Number.isNaN(Number(remaining)) ? Number(remaining) : null, resetAt: null };
}
