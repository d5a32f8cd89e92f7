import type { FakeRequest } from '../fake-server.js';
import { accountBody, errorBody, type Account, type FakeBase, type RepositoryRecord } from './bodies.js';
import type { RouteResult } from './source-routes.js';

/** GitHub's repository roles, weakest first. */
export const ROLES = ['read', 'triage', 'write', 'maintain', 'admin'] as const;
export type RepositoryRole = (typeof ROLES)[number];

/** "The `permission` attribute provides the legacy base roles of admin, write, read, and none, where maintain is mapped to write and triage to read." */
const LEGACY: Record<RepositoryRole, 'admin' | 'write' | 'read'> = { read: 'read', triage: 'read', write: 'write', maintain: 'write', admin: 'admin' };

interface Organization {
  /** An organization's members see its repositories with the base role (GitHub's default: read); owners are admins. */
  baseRole: RepositoryRole | 'none';
  members: Map<string, 'member' | 'owner'>;
}

/**
 * Who may do what in the fake's repositories: the GitHub users it knows, direct collaborators with a role per
 * repository, and organization members (the base role) and owners (admin). A user-owned repository's owner is its
 * admin. The effective role is the highest of these, as GitHub computes it ("the highest role assigned to the
 * collaborator after considering all sources of grants").
 */
export class GitHubCollaborators {
  private readonly users = new Map<string, Account>();
  private readonly direct = new Map<number, Map<string, RepositoryRole>>();
  private readonly organizations = new Map<string, Organization>();
  private nextUserId = 8_000_001;

  /** A GitHub user (no access to anything unless granted), made if missing. */
  user(login: string): Account {
    let account = this.users.get(login.toLowerCase());
    if (!account) {
      account = { login, id: this.nextUserId++, type: 'User' };
      this.users.set(login.toLowerCase(), account);
    }
    return account;
  }

  /** A direct collaborator of one repository. */
  addCollaborator(repository: RepositoryRecord, login: string, role: RepositoryRole): Account {
    const account = this.user(login);
    let roles = this.direct.get(repository.id);
    if (!roles) this.direct.set(repository.id, (roles = new Map()));
    roles.set(login.toLowerCase(), role);
    return account;
  }

  addOrganizationMember(organization: string, login: string, membership: 'member' | 'owner' = 'member'): Account {
    const account = this.user(login);
    this.organization(organization).members.set(login.toLowerCase(), membership);
    return account;
  }

  /** The organization's base role for its members ("none" gives them no access of their own). */
  setBaseRole(organization: string, role: RepositoryRole | 'none'): void {
    this.organization(organization).baseRole = role;
  }

  /** The effective role of a user on a repository, or null without any. */
  roleOf(repository: RepositoryRecord, login: string): RepositoryRole | null {
    const key = login.toLowerCase();
    const grants: RepositoryRole[] = [];
    const own = this.direct.get(repository.id)?.get(key);
    if (own) grants.push(own);
    const owner = repository.owner;
    if (owner.type === 'User' && owner.login.toLowerCase() === key) grants.push('admin');
    if (owner.type === 'Organization') {
      const organization = this.organizations.get(owner.login.toLowerCase());
      const membership = organization?.members.get(key);
      if (membership === 'owner') grants.push('admin');
      if (membership === 'member' && organization!.baseRole !== 'none') grants.push(organization!.baseRole);
    }
    return grants.length ? grants.reduce((best, role) => (ROLES.indexOf(role) > ROLES.indexOf(best) ? role : best)) : null;
  }

  /** A known user (the repository owner counts), or null. */
  find(repository: RepositoryRecord, login: string): Account | null {
    if (repository.owner.login.toLowerCase() === login.toLowerCase()) return repository.owner;
    return this.users.get(login.toLowerCase()) ?? null;
  }

  private organization(login: string): Organization {
    let organization = this.organizations.get(login.toLowerCase());
    if (!organization) this.organizations.set(login.toLowerCase(), (organization = { baseRole: 'read', members: new Map() }));
    return organization;
  }
}

export interface CollaboratorRouteContext {
  base: FakeBase;
  repository: RepositoryRecord;
  collaborators: GitHubCollaborators;
  permissions: Record<string, string> | null;
}

/**
 * The collaborator checks (`rest` is the path after /repos/{owner}/{repo}), or null for another path. Both need the
 * "Metadata" repository permission (read), which every installation has unless the App dropped all repository access.
 * - GET /collaborators/{username} (https://docs.github.com/rest/collaborators/collaborators#check-if-a-user-is-a-repository-collaborator):
 *   204 when the user has any access of their own (direct, organization base role, organization owner), else 404.
 * - GET /collaborators/{username}/permission (https://docs.github.com/rest/collaborators/collaborators#get-repository-permissions-for-a-user):
 *   200 `repository-collaborator-permission` with the legacy `permission` (admin, write, read, none), the `role_name`
 *   and the user with their `permissions`; anyone may read a public repository, so a user without a role has "read"
 *   there and "none" on a private one; 404 for a login that is no GitHub user.
 */
export function collaboratorRoute(request: FakeRequest, rest: string, context: CollaboratorRouteContext): RouteResult | null {
  const match = /^\/collaborators\/([^/]+)(\/permission)?$/.exec(rest);
  if (!match || request.method !== 'GET') return null;
  const { base, repository, collaborators, permissions } = context;
  if (permissions?.metadata !== 'read' && permissions?.metadata !== 'write') return { status: 403, body: errorBody('403_resource') };
  const login = decodeURIComponent(match[1]!);
  const user = collaborators.find(repository, login);
  const role = user ? collaborators.roleOf(repository, user.login) : null;
  if (!match[2]) return role ? { status: 204 } : { status: 404, body: errorBody('404_not_found') };
  if (!user) return { status: 404, body: errorBody('404_not_found') };
  const effective: RepositoryRole | null = role ?? (repository.isPrivate ? null : 'read');
  const rank = effective ? ROLES.indexOf(effective) : -1;
  return {
    status: 200,
    body: {
      permission: effective ? LEGACY[effective] : 'none',
      role_name: effective ?? 'none',
      user: {
        ...accountBody(base, user),
        permissions: {
          pull: rank >= ROLES.indexOf('read'),
          triage: rank >= ROLES.indexOf('triage'),
          push: rank >= ROLES.indexOf('write'),
          maintain: rank >= ROLES.indexOf('maintain'),
          admin: rank >= ROLES.indexOf('admin'),
        },
        role_name: effective ?? 'none',
      },
    },
  };
}
