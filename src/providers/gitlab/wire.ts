import type { BranchInfo, CommitInfo, RepositoryInfo } from '../types.js';

/** The fields of GitLab's Project / BasicProjectDetails entities the adapter reads. */
export interface GitLabProject {
  id: number;
  name: string;
  path: string;
  path_with_namespace: string;
  default_branch?: string | null;
  http_url_to_repo: string;
  web_url: string;
  last_activity_at?: string | null;
  updated_at?: string | null;
  /** Absent from BasicProjectDetails (simple=true). */
  visibility?: 'private' | 'internal' | 'public';
  namespace: { full_path: string; path: string };
}

/** GitLab's Branch entity: `default` and `protected` come with each branch. */
export interface GitLabBranch {
  name: string;
  protected: boolean;
  default: boolean;
  commit: { id: string } | null;
}

/** The fields of GitLab's Commit / CommitDetail entities the adapter reads. */
export interface GitLabCommit {
  id: string;
  message?: string | null;
  author_name?: string | null;
  author_email?: string | null;
  committed_date?: string | null;
}

export interface GitLabUser {
  id: number;
  username: string;
  name?: string;
}

/** GET /oauth/token/info (Doorkeeper). */
export interface GitLabTokenInfo {
  scope?: string[] | string;
  expires_in?: number | null;
}

export function repositoryFromProject(project: GitLabProject): RepositoryInfo {
  const updated = project.updated_at ?? project.last_activity_at ?? null;
  const updatedAt = updated ? new Date(updated) : null;
  return {
    forgeId: String(project.id),
    name: project.name,
    fullName: project.path_with_namespace,
    owner: project.namespace.full_path,
    // Internal projects need credentials to clone too; only public ones are open. Unknown counts as private.
    isPrivate: project.visibility !== 'public',
    defaultBranch: project.default_branch || null,
    cloneUrl: project.http_url_to_repo,
    webUrl: project.web_url,
    updatedAt: updatedAt && !Number.isNaN(updatedAt.getTime()) ? updatedAt : null,
  };
}

export function branchFromWire(branch: GitLabBranch): BranchInfo {
  return {
    name: branch.name,
    commitSha: branch.commit?.id ?? '',
    isProtected: Boolean(branch.protected),
    isDefault: Boolean(branch.default),
  };
}

export function commitFromWire(commit: GitLabCommit): CommitInfo {
  const committedAt = commit.committed_date ? new Date(commit.committed_date) : null;
  return {
    sha: commit.id,
    // GitLab sends the message as git stores it, final newline included.
    message: (commit.message ?? '').replace(/\n+$/, ''),
    authorName: commit.author_name || null,
    authorEmail: commit.author_email || null,
    committedAt: committedAt && !Number.isNaN(committedAt.getTime()) ? committedAt : null,
  };
}

export function scopesFromTokenInfo(info: GitLabTokenInfo): string[] | null {
  if (Array.isArray(info.scope)) return info.scope.map(String);
  if (typeof info.scope === 'string') return info.scope.split(/\s+/).filter(Boolean);
  return null;
}
