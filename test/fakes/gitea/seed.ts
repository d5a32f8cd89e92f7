import { createHash } from 'node:crypto';
import type { TestGitRepository } from '../git/repository.js';

/** Gitea's perm.AccessMode names, as RepoCollaboratorPermission.permission reports them. */
export type GiteaAccessMode = 'none' | 'read' | 'write' | 'admin' | 'owner';

/** A user or organization (Gitea returns both as `User` objects in `owner`). */
export interface FakeGiteaAccount {
  id: number;
  login: string;
  fullName: string;
  isOrganization: boolean;
  isAdmin: boolean;
  /** Organizations only: the logins of their members (members see the org's repositories). */
  members: string[];
}

export interface FakeGiteaBranch {
  name: string;
  sha: string;
  /** Commit time; Gitea lists branches by commit time (newest first), then name. */
  committedAt: Date;
  isProtected: boolean;
  /** The head commit's message, for repositories backed by real git data. */
  commitMessage?: string;
}

export interface FakeGiteaRepository {
  id: number;
  owner: FakeGiteaAccount;
  name: string;
  isPrivate: boolean;
  defaultBranch: string;
  description: string;
  createdAt: Date;
  updatedAt: Date;
  /** Logins with explicit collaborator access. */
  collaborators: string[];
  /**
   * Access modes by lower-case login, over what ownership, organization membership and `collaborators` give
   * (a collaborator's own mode, a team's, or a test taking a right away). See ./access.ts.
   */
  access?: Record<string, GiteaAccessMode>;
  branches: FakeGiteaBranch[];
  /** A real bare repository whose refs and commits this repository serves (see ./git-repositories.ts). */
  git?: TestGitRepository;
}

export interface FakeGiteaData {
  /** The account the seeded tokens act as. */
  user: FakeGiteaAccount;
  accounts: FakeGiteaAccount[];
  repositories: FakeGiteaRepository[];
}

export interface GiteaSeedOptions {
  /** How many repositories the user reaches through GET /user/repos (owned, collaborations, org membership). */
  repositories: number;
  /** Branches of every ordinary repository (the default branch included). Default 3. */
  branchesPerRepo?: number;
  /** Repositories (among `repositories`) with their own branch count, e.g. `{ fullName: 'acme/monorepo', branches: 450 }`. */
  bigRepositories?: { fullName: string; branches: number; defaultBranch?: string }[];
  /** Repositories of another user the seeded user cannot reach through /user/repos: half public, half private. Default 10. */
  foreignRepositories?: number;
  /** The seeded user's login. Default `forgegraph-bot`. */
  login?: string;
  /** Whether the seeded user is a site administrator. Default false. */
  isAdmin?: boolean;
}

const WORDS = ['api', 'web', 'infra', 'docs', 'tools', 'billing', 'mobile', 'search'];
const BASE_TIME = Date.UTC(2025, 0, 1);
const pad = (n: number) => String(n).padStart(4, '0');
const sha = (text: string) => createHash('sha1').update(text).digest('hex');

/** Deterministic data for the fake: the same options always give the same repositories, branches and order. */
export function seedGitea(options: GiteaSeedOptions): FakeGiteaData {
  const login = options.login ?? 'forgegraph-bot';
  const user: FakeGiteaAccount = { id: 1, login, fullName: 'ForgeGraph Bot', isOrganization: false, isAdmin: options.isAdmin ?? false, members: [] };
  const org: FakeGiteaAccount = { id: 2, login: 'acme', fullName: 'ACME Corp', isOrganization: true, isAdmin: false, members: [login] };
  const partner: FakeGiteaAccount = { id: 3, login: 'partner', fullName: 'Partner Dev', isOrganization: false, isAdmin: false, members: [] };
  const stranger: FakeGiteaAccount = { id: 4, login: 'stranger', fullName: 'Someone Else', isOrganization: false, isAdmin: false, members: [] };
  const accounts = [user, org, partner, stranger];
  const owners = new Map(accounts.map((a) => [a.login, a]));

  const repositories: FakeGiteaRepository[] = [];
  let nextId = 100;
  const big = options.bigRepositories ?? [];
  for (let i = 0; i < options.repositories; i++) {
    const special = big[i];
    let owner: FakeGiteaAccount;
    let name: string;
    if (special) {
      const [ownerLogin, repoName] = special.fullName.split('/') as [string, string];
      owner = owners.get(ownerLogin) ?? { id: 10 + i, login: ownerLogin, fullName: ownerLogin, isOrganization: true, isAdmin: false, members: [login] };
      if (!owners.has(ownerLogin)) {
        owners.set(ownerLogin, owner);
        accounts.push(owner);
      }
      name = repoName;
    } else {
      // A third in the org, a sixth the user collaborates on, the rest owned.
      owner = i % 3 === 0 ? org : i % 6 === 1 ? partner : user;
      name = `${WORDS[i % WORDS.length]}-${pad(i)}`;
    }
    const defaultBranch = special?.defaultBranch ?? (i % 7 === 0 ? 'develop' : 'main');
    const branchCount = special ? special.branches : (options.branchesPerRepo ?? 3);
    repositories.push({
      id: nextId++,
      owner,
      name,
      isPrivate: i % 4 === 0,
      defaultBranch,
      description: `Repository ${i}`,
      createdAt: new Date(BASE_TIME + i * 3_600_000),
      updatedAt: new Date(BASE_TIME + i * 3_600_000 + 86_400_000),
      collaborators: owner === partner ? [login] : [],
      branches: seedBranches(`${owner.login}/${name}`, defaultBranch, branchCount),
    });
  }
  const foreign = options.foreignRepositories ?? 10;
  for (let i = 0; i < foreign; i++) {
    repositories.push({
      id: nextId++,
      owner: stranger,
      name: `${WORDS[i % WORDS.length]}-foreign-${pad(i)}`,
      isPrivate: i % 2 === 1,
      defaultBranch: 'main',
      description: `Foreign ${i}`,
      createdAt: new Date(BASE_TIME),
      updatedAt: new Date(BASE_TIME),
      collaborators: [],
      branches: seedBranches(`stranger/foreign-${i}`, 'main', 2),
    });
  }
  return { user, accounts, repositories };
}

function seedBranches(fullName: string, defaultBranch: string, count: number): FakeGiteaBranch[] {
  const names = [defaultBranch];
  if (count > 1 && defaultBranch !== 'main') names.push('main');
  for (let r = 1; names.length < Math.min(count, 4); r++) names.push(`release/v${r}`);
  for (let j = 0; names.length < count; j++) names.push(`feature/${WORDS[j % WORDS.length]}-${pad(j)}`);
  return names.slice(0, count).map((name, j) => ({
    name,
    sha: sha(`${fullName}:${name}`),
    // Groups of three branches share a commit time, so the name tie-break of Gitea's order matters.
    committedAt: new Date(BASE_TIME + Math.floor(j / 3) * 60_000),
    isProtected: name === defaultBranch || name === 'main' || name.startsWith('release/'),
  }));
}
