/** What every forge adapter answers, in the forge-neutral shape the API exposes. */

export interface RepositoryInfo {
  /** The forge's own id of the repository (GitHub/GitLab/Gitea numeric id, Bitbucket uuid). */
  forgeId: string;
  name: string;
  /** GitHub/Gitea `owner/name`, GitLab path with namespace, Bitbucket `workspace/slug`. */
  fullName: string;
  owner: string;
  isPrivate: boolean;
  defaultBranch: string | null;
  cloneUrl: string;
  webUrl: string;
  updatedAt: Date | null;
}

export interface BranchInfo {
  name: string;
  commitSha: string;
  isProtected: boolean;
  isDefault: boolean;
}

export interface RateLimitInfo {
  limit: number | null;
  remaining: number | null;
  resetAt: Date | null;
}

export interface ConnectionReport {
  /** Who the credentials act as: the GitHub App (slug), a GitLab/Gitea user, a Bitbucket account. */
  identity: string;
  /** The installation account (GitHub), workspace (Bitbucket) or group restriction (GitLab) in use. */
  account: string | null;
  /** Permissions or scopes the forge says were granted, where it says. */
  permissions: string[] | null;
  /** Reachable repositories, when the forge counts them. */
  repositoryCount: number | null;
  hasRepositories: boolean;
  rateLimit: RateLimitInfo | null;
  warnings: string[];
}

/** A window of a listing: `offset`/`limit` over the whole forge listing (all its pages). */
export interface ListWindow {
  offset: number;
  limit: number;
  search?: string | null;
}

/** The items of a window, in the forge's stable order. Fewer than `limit` items means the listing ended. */
export interface Page<T> {
  items: T[];
  /** The size of the whole listing (after `search`), when the forge says or it was counted. */
  totalCount: number | null;
}

/** A commit as the forge reports it. */
export interface CommitInfo {
  sha: string;
  message: string;
  authorName: string | null;
  authorEmail: string | null;
  committedAt: Date | null;
}

/**
 * How git reaches a repository over HTTPS: the URL to fetch from and the HTTP Basic credentials to send.
 * The credentials may be short-lived (an installation or OAuth token): ask right before fetching, and never
 * put them in a URL, an argument, a file or a log.
 */
export interface SourceAccess {
  cloneUrl: string;
  username: string;
  password: string;
}

/** A deployment's state as a commit status: each forge's own vocabulary is the adapter's business. */
export type CommitState = 'PENDING' | 'SUCCESS' | 'FAILURE' | 'ERROR';

export interface CommitStatus {
  state: CommitState;
  /** The status's name on the forge (GitHub/Gitea `context`, GitLab `name`, Bitbucket `key`). */
  context: string;
  description: string;
  targetUrl: string | null;
}

/** Who opened a pull/merge request, as the forge's payload names them. */
export interface RequestAuthor {
  login: string | null;
  /** The forge's user id (GitLab author_id, Bitbucket account uuid), when the payload gives one. */
  id: string | null;
}

/** The events a repository webhook is registered for, in forge-neutral terms. */
export interface WebhookRegistration {
  url: string;
  secret: string;
  push: boolean;
  tags: boolean;
  pullRequests: boolean;
}

/** One forge, as the rest of the service sees it. Nothing outside src/providers knows a wire format. */
export interface ForgeAdapter {
  testConnection(): Promise<ConnectionReport>;
  listRepositories(window: ListWindow): Promise<Page<RepositoryInfo>>;
  /** `repository` is a fullName (GitLab also accepts the numeric project id). */
  listBranches(repository: string, window: ListWindow): Promise<Page<BranchInfo>>;
  /** One repository; ForgeNotFoundError when the credentials do not reach it. */
  getRepository(repository: string): Promise<RepositoryInfo>;
  /** The commit `ref` names now: a branch name, a tag name or a commit sha. ForgeNotFoundError when none. */
  resolveCommit(repository: string, ref: string): Promise<CommitInfo>;
  /** Where git fetches the repository from and the credentials to send (see SourceAccess). */
  sourceAccess(repository: string): Promise<SourceAccess>;
  /** Sets (or replaces) the status named `status.context` on a commit. */
  setCommitStatus(repository: string, sha: string, status: CommitStatus): Promise<void>;
  /** The paths that differ between two commits, through the forge's compare API (every page of it). */
  changedFiles(repository: string, base: string, head: string): Promise<string[]>;
  /** Whether the author is a member or collaborator of the repository (may push to it), as the forge reports it. */
  isTrustedAuthor(repository: string, author: RequestAuthor): Promise<boolean>;
  /**
   * Registers a repository webhook (GitLab project hook, Gitea repository hook, Bitbucket repository hook) and
   * answers the forge's id of it. GitHub Apps have one App webhook instead: ForgeMisconfiguredError there.
   * ForgeAuthFailedError or ForgeNotFoundError when the credentials may not manage the repository's hooks.
   */
  createWebhook(repository: string, hook: WebhookRegistration): Promise<string>;
  /** Removes a webhook createWebhook made; a hook already gone is not an error. */
  deleteWebhook(repository: string, hookId: string): Promise<void>;
}
