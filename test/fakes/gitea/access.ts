import type { FakeGiteaAccount, FakeGiteaRepository, GiteaAccessMode } from './seed.js';

const RANK: Record<GiteaAccessMode, number> = { none: 0, read: 1, write: 2, admin: 3, owner: 4 };

export function atLeast(mode: GiteaAccessMode, wanted: GiteaAccessMode): boolean {
  return RANK[mode] >= RANK[wanted];
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * A user's access mode on a repository, in the order access_model.GetUserRepoPermission decides it: a site
 * administrator is admin, the owner is owner; then the repository's `access` entry (a team's or a collaborator's
 * mode, or one a test set); members of the owning organization are in its Owners team here (owner); a listed
 * collaborator without an entry has write; anyone else reads a public repository and nothing else.
 */
export function accessOf(repo: FakeGiteaRepository, account: FakeGiteaAccount | null): GiteaAccessMode {
  if (!account) return repo.isPrivate ? 'none' : 'read';
  if (account.isAdmin && !account.isOrganization) return 'admin';
  if (same(repo.owner.login, account.login)) return 'owner';
  const entry = repo.access?.[account.login.toLowerCase()];
  if (entry) return entry;
  if (repo.owner.isOrganization && repo.owner.members.some((m) => same(m, account.login))) return 'owner';
  if (repo.collaborators.some((c) => same(c, account.login))) return 'write';
  return repo.isPrivate ? 'none' : 'read';
}

/** Whether `login` is an explicit collaborator (repo_model.IsCollaborator: the collaboration table only). */
export function isCollaborator(repo: FakeGiteaRepository, login: string): boolean {
  return repo.collaborators.some((c) => same(c, login));
}
