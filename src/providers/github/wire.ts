import type { BranchInfo, CommitInfo, RepositoryInfo } from '../types.js';

/** The fields of GitHub's `repository` (installation listing) and `full-repository` this adapter reads. */
export interface WireRepository {
  id: number;
  name: string;
  full_name: string;
  owner: { login: string } | null;
  private: boolean;
  default_branch?: string;
  clone_url: string;
  html_url: string;
  updated_at: string | null;
  pushed_at?: string | null;
}

/** GitHub's `short-branch`. */
export interface WireBranch {
  name: string;
  commit: { sha: string };
  protected: boolean;
}

/** The fields of GitHub's `commit` (GET /repos/{owner}/{repo}/commits/{ref}) this adapter reads. */
export interface WireCommit {
  sha: string;
  commit: {
    message: string;
    author: { name?: string; email?: string; date?: string } | null;
    committer: { name?: string; email?: string; date?: string } | null;
  };
}

export function toCommit(commit: WireCommit): CommitInfo {
  const committed = commit.commit.committer?.date ? new Date(commit.commit.committer.date) : null;
  return {
    sha: commit.sha,
    message: commit.commit.message,
    authorName: commit.commit.author?.name ?? null,
    authorEmail: commit.commit.author?.email ?? null,
    committedAt: committed && !Number.isNaN(committed.getTime()) ? committed : null,
  };
}

export function toRepository(repository: WireRepository): RepositoryInfo {
  const updated = repository.updated_at ? new Date(repository.updated_at) : null;
  return {
    forgeId: String(repository.id),
    name: repository.name,
    fullName: repository.full_name,
    owner: repository.owner?.login ?? repository.full_name.split('/')[0]!,
    isPrivate: repository.private,
    defaultBranch: repository.default_branch ?? null,
    cloneUrl: repository.clone_url,
    webUrl: repository.html_url,
    updatedAt: updated && !Number.isNaN(updated.getTime()) ? updated : null,
  };
}

export function toBranch(branch: WireBranch, defaultBranch: string | null): BranchInfo {
  return { name: branch.name, commitSha: branch.commit.sha, isProtected: branch.protected, isDefault: branch.name === defaultBranch };
}

/** Whether a `Link` header names a next page (GitHub omits `rel="next"` on the last page, and Link entirely on a single page). */
export function hasNextPage(link: string | undefined): boolean {
  return !!link && /<[^<>]+>;\s*rel="next"/.test(link);
}
