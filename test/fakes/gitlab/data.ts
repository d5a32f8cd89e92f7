import { createHash } from 'node:crypto';
import type { TestGitRepository } from '../git/repository.js';

/** The fake GitLab's world: users, a group tree, projects with members and branches. */

export type Visibility = 'private' | 'internal' | 'public';

/** GitLab's roles (doc/user/permissions.md; Gitlab::Access). */
export const ACCESS = { guest: 10, reporter: 20, developer: 30, maintainer: 40, owner: 50 } as const;
/** The role of a member added without one here: Maintainer (a group's creator would be Owner). */
const DEFAULT_MEMBER_ACCESS = ACCESS.maintainer;
/** What a group a project is shared with may do in it at most (the share's group_access; the fake shares as Developer). */
export const SHARE_ACCESS = ACCESS.developer;

export interface FakeUser {
  id: number;
  username: string;
  name: string;
  email: string;
}

export interface FakeGroup {
  id: number;
  name: string;
  path: string;
  fullPath: string;
  parentId: number | null;
  visibility: Visibility;
  /** Direct members; membership is inherited by subgroups and their projects. */
  memberIds: Set<number>;
  /** Direct members' roles (ACCESS), where set; any other member is a Maintainer. */
  accessLevels: Map<number, number>;
}

export interface FakeBranch {
  name: string;
  sha: string;
  protected: boolean;
  committedAt: Date;
}

export interface FakeProject {
  id: number;
  name: string;
  path: string;
  description: string | null;
  namespace: { kind: 'group'; groupId: number } | { kind: 'user'; userId: number };
  visibility: Visibility;
  /** null for an empty repository (GitLab has no default branch until the first push). */
  defaultBranch: string | null;
  createdAt: Date;
  lastActivityAt: Date;
  archived: boolean;
  /** Direct project members. */
  memberIds: Set<number>;
  /** Direct members' roles (ACCESS), where set; any other member is a Maintainer, the owner of a personal namespace its Owner. */
  accessLevels: Map<number, number>;
  /** Groups the project is shared with (their members can see it; it shows in their project lists). */
  sharedWithGroupIds: number[];
  /** Kept sorted by name, as GitLab lists them. Unused when `git` is set: the real repository's branches count. */
  branches: FakeBranch[];
  creatorId: number;
  /** A real repository behind the project (FakeGitLab.addGitRepository): branches, commits and git HTTP come from it. */
  git?: TestGitRepository;
}

export interface SeedOptions {
  /** How many projects the main user is a member of (through groups, shares or their own namespace). */
  repositories: number;
  /** Branches of each project, the default branch included (default 3). */
  branchesPerRepo?: number;
  /** Projects (by path with namespace) with their own number of branches; they count among `repositories`. */
  branchCounts?: Record<string, number>;
}

export class GitLabWorld {
  readonly users: FakeUser[] = [];
  readonly groups: FakeGroup[] = [];
  readonly projects: FakeProject[] = [];
  private nextGroupId = 10;
  private nextProjectId = 100;

  /** The user the seeded tokens belong to. */
  mainUser!: FakeUser;

  addUser(user: Omit<FakeUser, 'id'> & { id?: number }): FakeUser {
    const created = { id: user.id ?? this.users.length + 1, ...user };
    this.users.push(created);
    return created;
  }

  /** The group at `fullPath`, made (with its parents) if missing. */
  ensureGroup(fullPath: string, visibility: Visibility = 'private', memberIds: number[] = []): FakeGroup {
    const existing = this.groupByPath(fullPath);
    if (existing) return existing;
    const parts = fullPath.split('/');
    const path = parts.pop()!;
    const parent = parts.length ? this.ensureGroup(parts.join('/'), visibility) : null;
    const group: FakeGroup = {
      id: this.nextGroupId++,
      name: titleCase(path),
      path,
      fullPath,
      parentId: parent?.id ?? null,
      visibility,
      memberIds: new Set(memberIds),
      accessLevels: new Map(),
    };
    this.groups.push(group);
    return group;
  }

  addProject(fullPath: string, options: Partial<Omit<FakeProject, 'id' | 'path' | 'namespace'>> & { branchCount?: number } = {}): FakeProject {
    const parts = fullPath.split('/');
    const path = parts.pop()!;
    const namespacePath = parts.join('/');
    const owner = this.users.find((user) => user.username === namespacePath);
    const namespace: FakeProject['namespace'] = owner ? { kind: 'user', userId: owner.id } : { kind: 'group', groupId: this.ensureGroup(namespacePath).id };
    const id = this.nextProjectId;
    this.nextProjectId += 3; // ids are not contiguous on a real instance
    const createdAt = options.createdAt ?? new Date(Date.UTC(2024, 0, 1) + id * 3_600_000);
    const project: FakeProject = {
      id,
      name: options.name ?? titleCase(path),
      path,
      description: options.description ?? null,
      namespace,
      visibility: options.visibility ?? 'private',
      defaultBranch: options.defaultBranch === undefined ? 'main' : options.defaultBranch,
      createdAt,
      lastActivityAt: options.lastActivityAt ?? new Date(createdAt.getTime() + 86_400_000),
      archived: options.archived ?? false,
      memberIds: options.memberIds ?? new Set(owner ? [owner.id] : []),
      accessLevels: options.accessLevels ?? new Map(),
      sharedWithGroupIds: options.sharedWithGroupIds ?? [],
      branches: [],
      creatorId: owner?.id ?? this.mainUser?.id ?? 1,
    };
    if (project.defaultBranch !== null) project.branches = makeBranches(project, options.branchCount ?? 3);
    this.projects.push(project);
    return project;
  }

  /**
   * `repositories` projects the main user is a member of, spread over acme (with subgroups acme/platform and
   * acme/platform/infra), partners and the user's own namespace; the first partners project is shared with
   * acme (so it is listed in both groups); one in fifty is an empty repository. Beside them, a group the
   * user is not in ("outsiders") holds private projects the user cannot see and one public project it can
   * see but is no member of.
   */
  seed(options: SeedOptions): void {
    const user = this.mainUser;
    const acme = this.ensureGroup('acme', 'private', [user.id]);
    this.ensureGroup('acme/platform', 'private');
    this.ensureGroup('acme/platform/infra', 'internal');
    const partners = this.ensureGroup('partners', 'private', [user.id]);
    this.ensureGroup('outsiders', 'private');
    const namespaces = ['acme', 'acme/platform', 'acme/platform/infra', 'partners', user.username];
    const named = Object.entries(options.branchCounts ?? {});
    const count = options.repositories;
    const visibilities: Visibility[] = ['private', 'internal', 'public'];
    let sharedDone = false;
    for (let i = 0; i < count; i++) {
      const namedEntry = named[i];
      const namespace = namespaces[i % namespaces.length]!;
      const fullPath = namedEntry ? namedEntry[0] : `${namespace}/service-${String(i + 1).padStart(3, '0')}`;
      const empty = !namedEntry && i % 50 === 49;
      // created_at is shuffled against id, so GitLab's default order (created_at desc) differs from id order.
      const createdAt = new Date(Date.UTC(2024, 0, 1) + ((i * 7919) % Math.max(count, 1)) * 3_600_000);
      const project = this.addProject(fullPath, {
        description: `Service number ${i + 1}`,
        visibility: visibilities[i % 3]!,
        defaultBranch: empty ? null : i % 4 === 3 ? 'master' : 'main',
        createdAt,
        lastActivityAt: new Date(createdAt.getTime() + (i + 1) * 60_000),
        branchCount: namedEntry ? namedEntry[1] : (options.branchesPerRepo ?? 3),
      });
      if (!sharedDone && project.namespace.kind === 'group' && project.namespace.groupId === partners.id) {
        project.sharedWithGroupIds.push(acme.id);
        sharedDone = true;
      }
    }
    for (let i = 1; i <= 3; i++) this.addProject(`outsiders/secret-${i}`, { visibility: 'private' });
    this.addProject('outsiders/open-source', { visibility: 'public' });
  }

  groupByPath(fullPath: string): FakeGroup | undefined {
    return this.groups.find((group) => group.fullPath.toLowerCase() === fullPath.toLowerCase());
  }

  /** `:id` of the API: a numeric id or a (decoded) full path. */
  groupByRef(ref: string): FakeGroup | undefined {
    return /^\d+$/.test(ref) ? this.groups.find((group) => group.id === Number(ref)) : this.groupByPath(ref);
  }

  projectByRef(ref: string): FakeProject | undefined {
    if (/^\d+$/.test(ref)) return this.projects.find((project) => project.id === Number(ref));
    return this.projects.find((project) => this.projectPath(project).toLowerCase() === ref.toLowerCase());
  }

  group(id: number): FakeGroup {
    return this.groups.find((group) => group.id === id)!;
  }

  /** The group and its ancestors, nearest first. */
  ancestry(group: FakeGroup): FakeGroup[] {
    const chain: FakeGroup[] = [];
    for (let current: FakeGroup | undefined = group; current; current = current.parentId ? this.group(current.parentId) : undefined) chain.push(current);
    return chain;
  }

  /** The group and every group below it. */
  subtree(group: FakeGroup): FakeGroup[] {
    return this.groups.filter((candidate) => this.ancestry(candidate).includes(group));
  }

  namespacePath(project: FakeProject): string {
    return project.namespace.kind === 'group' ? this.group(project.namespace.groupId).fullPath : this.users.find((u) => u.id === (project.namespace as { userId: number }).userId)!.username;
  }

  projectPath(project: FakeProject): string {
    return `${this.namespacePath(project)}/${project.path}`;
  }

  isGroupMember(user: FakeUser, group: FakeGroup): boolean {
    return this.ancestry(group).some((g) => g.memberIds.has(user.id));
  }

  isProjectMember(user: FakeUser, project: FakeProject): boolean {
    if (project.memberIds.has(user.id)) return true;
    if (project.namespace.kind === 'group' && this.isGroupMember(user, this.group(project.namespace.groupId))) return true;
    return project.sharedWithGroupIds.some((id) => this.isGroupMember(user, this.group(id)));
  }

  /** Makes `user` a direct member of a project or group with a role (ACCESS), or changes their role. */
  setMember(target: FakeProject | FakeGroup, user: FakeUser, accessLevel: number): void {
    target.memberIds.add(user.id);
    target.accessLevels.set(user.id, accessLevel);
  }

  /**
   * A user's roles in a project: `direct` (a project member), `group` (the highest of their memberships of the project's
   * group and its ancestors) and `shared` (of the groups the project is shared with, at most the share's role); null
   * where they have none.
   */
  roles(user: FakeUser, project: FakeProject): { direct: number | null; group: number | null; shared: number | null } {
    const roleIn = (target: FakeProject | FakeGroup, fallback: number) => (target.memberIds.has(user.id) ? (target.accessLevels.get(user.id) ?? fallback) : null);
    const highest = (levels: (number | null)[]) => levels.reduce<number | null>((best, level) => (level !== null && (best === null || level > best) ? level : best), null);
    const owner = project.namespace.kind === 'user' && project.namespace.userId === user.id;
    return {
      direct: roleIn(project, owner ? ACCESS.owner : DEFAULT_MEMBER_ACCESS),
      group: project.namespace.kind === 'group' ? highest(this.ancestry(this.group(project.namespace.groupId)).map((g) => roleIn(g, DEFAULT_MEMBER_ACCESS))) : null,
      shared: highest(
        project.sharedWithGroupIds.flatMap((id) => this.ancestry(this.group(id)).map((g) => roleIn(g, DEFAULT_MEMBER_ACCESS))).map((level) => (level === null ? null : Math.min(level, SHARE_ACCESS))),
      ),
    };
  }

  /** A user's role in a project as GitLab's members/all gives it (the highest of their roles), or null for no member. */
  accessLevel(user: FakeUser, project: FakeProject): number | null {
    const { direct, group, shared } = this.roles(user, project);
    const levels = [direct, group, shared].filter((level): level is number => level !== null);
    return levels.length ? Math.max(...levels) : null;
  }

  /**
   * `read_code` (doc/user/permissions.md): anyone on a public project, any signed-in user on an internal one, and
   * Reporters and above on a private one (Guests see a private project but not its code).
   */
  canReadCode(user: FakeUser | null, project: FakeProject): boolean {
    if (project.visibility === 'public') return true;
    if (!user) return false;
    if (project.visibility === 'internal') return true;
    return (this.accessLevel(user, project) ?? 0) >= ACCESS.reporter;
  }

  canSeeProject(user: FakeUser | null, project: FakeProject): boolean {
    if (project.visibility === 'public') return true;
    if (!user) return false;
    return project.visibility === 'internal' || this.isProjectMember(user, project);
  }

  canSeeGroup(user: FakeUser | null, group: FakeGroup): boolean {
    if (group.visibility === 'public') return true;
    if (!user) return false;
    if (group.visibility === 'internal') return true;
    // Members of a group, of a parent, or of a subgroup (which makes the parents visible) see it.
    return this.isGroupMember(user, group) || this.subtree(group).some((g) => g.memberIds.has(user.id));
  }
}

function makeBranches(project: FakeProject, count: number): FakeBranch[] {
  const names = new Set<string>([project.defaultBranch ?? 'main']);
  for (let i = 1; names.size < count; i++) {
    const n = String(i).padStart(4, '0');
    names.add(i % 10 === 0 ? `release/r-${n}` : i % 3 === 0 ? `fix/bug-${n}` : `feature/topic-${n}`);
  }
  return [...names]
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((name, index) => ({
      name,
      sha: createHash('sha1').update(`${project.id}:${name}`).digest('hex'),
      protected: name === project.defaultBranch || name.startsWith('release/'),
      committedAt: new Date(project.createdAt.getTime() + index * 60_000),
    }));
}

function titleCase(path: string): string {
  return path
    .split(/[-_]/)
    .filter(Boolean)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join(' ');
}
