/**
 * A webhook delivery as the rest of the service sees it, whatever forge sent it. The parsers in ./parsers turn
 * each forge's payload into one of these, or say why it is ignored.
 */
export type WebhookEvent = PushEvent | PullRequestEvent | InstallationEvent | PingEvent;

export interface PushEvent {
  kind: 'push';
  /** The repository as `repositories` names it (GitHub/Gitea owner/name, GitLab path with namespace, Bitbucket workspace/slug). */
  repository: string;
  refType: 'branch' | 'tag';
  /** The branch or tag name, without refs/heads/ or refs/tags/. */
  refName: string;
  /** The ref's commit before the push; null when the push created the ref. */
  before: string | null;
  /** The ref's commit after the push; null when the push deleted the ref. */
  after: string | null;
  /** The newest commit of the push (the ref's new head), when the payload describes it. */
  headCommit: { sha: string; message: string; author: string | null } | null;
  /**
   * Every path the push changed, from the payload, or null when the payload does not list them all (GitHub and
   * GitLab carry at most 20 commits, Bitbucket lists no files): then the forge's compare API answers.
   */
  changedFiles: string[] | null;
}

export interface PullRequestEvent {
  kind: 'pull_request';
  /** opened (or reopened), updated (new commits pushed to it), or closed (merged or not). */
  action: 'opened' | 'updated' | 'closed';
  /** The target repository, named as for pushes. */
  repository: string;
  /** The pull/merge request's number in that repository (GitLab's iid). */
  number: number;
  title: string;
  /** The branch it asks to merge into. */
  baseBranch: string;
  headBranch: string;
  headSha: string;
  /** Whether the head branch lives in another repository (a fork). */
  fromFork: boolean;
  author: { login: string | null; id: string | null };
  /**
   * Whether the payload itself says the author is an owner, member or collaborator of the target repository
   * (GitHub's author_association); null when it does not say and the forge must be asked.
   */
  authorTrusted: boolean | null;
}

export interface InstallationEvent {
  kind: 'installation';
  /** removed (deleted), suspended, restored (unsuspended, created again, permissions accepted), or repositories (added/removed). */
  action: 'removed' | 'suspended' | 'restored' | 'repositories';
  installationId: string;
}

export interface PingEvent {
  kind: 'ping';
}

/** A delivery the service does not act on, and why (recorded as IGNORED). */
export interface IgnoredEvent {
  kind: 'ignored';
  reason: string;
}

export type ParsedDelivery = WebhookEvent | IgnoredEvent;
