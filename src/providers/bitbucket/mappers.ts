import type { BranchInfo, CommitInfo, RepositoryInfo } from '../types.js';
import type { WireAccount, WireBranch, WireCommit, WireRepository } from './wire.js';

export function toRepository(repo: WireRepository): RepositoryInfo {
  const fullName = repo.full_name ?? '';
  const workspace = (repo as { workspace?: { slug?: unknown } }).workspace?.slug;
  return {
    forgeId: repo.uuid ?? fullName,
    name: repo.name ?? fullName.split('/')[1] ?? fullName,
    fullName,
    owner: typeof workspace === 'string' ? workspace : (fullName.split('/')[0] ?? ''),
    isPrivate: repo.is_private ?? true,
    defaultBranch: repo.mainbranch?.name ?? null,
    cloneUrl: httpsCloneUrl(repo),
    webUrl: repo.links?.html?.href ?? '',
    updatedAt: repo.updated_on ? new Date(repo.updated_on) : null,
  };
}

/**
 * The `https` entry of `links.clone`. Bitbucket writes the caller's username into it
 * (`https://user@bitbucket.org/ws/repo.git`); that is dropped so the URL is the repository's, not the caller's.
 */
function httpsCloneUrl(repo: WireRepository): string {
  const href = repo.links?.clone?.find((link) => link.name === 'https')?.href;
  if (!href) return '';
  try {
    const url = new URL(href);
    url.username = '';
    url.password = '';
    return url.toString();
  } catch {
    return href;
  }
}

export function toBranch(branch: WireBranch, defaultBranch: string | null, isProtected: (name: string) => boolean): BranchInfo {
  const name = branch.name ?? '';
  return {
    name,
    commitSha: typeof branch.target?.hash === 'string' ? branch.target.hash : '',
    isProtected: isProtected(name),
    isDefault: defaultBranch !== null && name === defaultBranch,
  };
}

/** Who the credentials act as: the nickname, else the display name, else the account id. */
export function identityOf(account: WireAccount): string {
  const { nickname, account_id: accountId } = account as { nickname?: unknown; account_id?: unknown };
  if (typeof nickname === 'string' && nickname) return nickname;
  if (account.display_name) return account.display_name;
  if (typeof accountId === 'string' && accountId) return accountId;
  return account.uuid ?? 'unknown';
}

/**
 * A commit as CommitInfo. Bitbucket gives the author as git wrote it (`raw`: "Name <email>") and, when the
 * email belongs to an account, that account; the message comes with git's trailing newline.
 */
export function toCommit(commit: WireCommit): CommitInfo {
  const raw = commit.author?.raw?.trim() ?? '';
  const parsed = /^(.*?)\s*<([^<>]*)>$/.exec(raw);
  const name = (parsed ? parsed[1] : raw) || commit.author?.user?.display_name || null;
  return {
    sha: commit.hash ?? '',
    message: (commit.message ?? '').replace(/\n+$/, ''),
    authorName: name,
    authorEmail: parsed?.[2] || null,
    committedAt: commit.date ? new Date(commit.date) : null,
  };
}
