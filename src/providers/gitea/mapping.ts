import type { Branch, Repository } from 'gitea-js';
import type { BranchInfo, RepositoryInfo } from '../types.js';

/** A Gitea `Repository` in the forge-neutral shape; URLs are Gitea's own (built on its public ROOT_URL). */
export function toRepositoryInfo(repo: Repository): RepositoryInfo {
  const owner = repo.owner?.login ?? repo.full_name?.split('/')[0] ?? '';
  const name = repo.name ?? '';
  return {
    forgeId: String(repo.id ?? ''),
    name,
    fullName: repo.full_name ?? `${owner}/${name}`,
    owner,
    isPrivate: repo.private ?? false,
    defaultBranch: repo.default_branch || null,
    cloneUrl: repo.clone_url ?? '',
    webUrl: repo.html_url ?? '',
    updatedAt: toDate(repo.updated_at),
  };
}

export function toBranchInfo(branch: Branch, defaultBranch: string | null): BranchInfo {
  const name = branch.name ?? '';
  return {
    name,
    commitSha: branch.commit?.id ?? '',
    isProtected: branch.protected ?? false,
    isDefault: defaultBranch !== null && name === defaultBranch,
  };
}

function toDate(value: string | undefined): Date | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}
