import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TestGitRepository } from '../git/repository.js';
import type { FakeGiteaAccount, FakeGiteaBranch, FakeGiteaData, FakeGiteaRepository } from './seed.js';

export interface GiteaGitRepositoryOptions {
  /** Default true: the case where cloning needs the credentials. */
  isPrivate?: boolean;
  /** Default `main`. */
  defaultBranch?: string;
  /** Branches with a protection rule. */
  protectedBranches?: string[];
  /** Logins given explicit collaborator access. */
  collaborators?: string[];
}

/**
 * Real bare repositories behind FakeGitea: each one is a FakeGiteaRepository whose branches (name, head sha,
 * commit time and message) are read from git on every request, so commits a test adds show up at once, as
 * they would after a push. All of them live under one project root, at `<owner>/<name>.git`, which is what
 * `git http-backend` serves.
 */
export class GiteaGitRepositories {
  private root: string | null = null;

  constructor(private readonly data: FakeGiteaData) {}

  get projectRoot(): string {
    this.root ??= mkdtempSync(path.join(tmpdir(), 'fake-gitea-git-'));
    return this.root;
  }

  /** An empty repository `owner/name`; an unknown owner becomes an organization the seeded user belongs to. */
  add(fullName: string, options: GiteaGitRepositoryOptions = {}): TestGitRepository {
    const [ownerLogin, name, ...rest] = fullName.split('/');
    if (!ownerLogin || !name || rest.length > 0) throw new Error(`"${fullName}" is not owner/name`);
    if (this.data.repositories.some((r) => r.owner.login.toLowerCase() === ownerLogin.toLowerCase() && r.name.toLowerCase() === name.toLowerCase())) {
      throw new Error(`${fullName} already exists in the fake`);
    }
    const owner = this.account(ownerLogin);
    const git = TestGitRepository.create(`${owner.login}/${name}.git`, { root: this.projectRoot });
    const protectedBranches = new Set(options.protectedBranches ?? []);
    const createdAt = new Date();
    const repository: FakeGiteaRepository = {
      id: Math.max(0, ...this.data.repositories.map((r) => r.id)) + 1,
      owner,
      name,
      isPrivate: options.isPrivate ?? true,
      defaultBranch: options.defaultBranch ?? 'main',
      description: `${name} (real git data)`,
      createdAt,
      get updatedAt() {
        // Gitea moves updated_at on every push.
        return new Date(Math.max(createdAt.getTime(), ...this.branches.map((b) => b.committedAt.getTime())));
      },
      collaborators: options.collaborators ?? [],
      get branches() {
        return branchesOf(git, protectedBranches);
      },
      git,
    };
    this.data.repositories.push(repository);
    return git;
  }

  /** Deletes every repository's files. */
  remove(): void {
    if (this.root) rmSync(this.root, { recursive: true, force: true });
    this.root = null;
  }

  private account(login: string): FakeGiteaAccount {
    const existing = this.data.accounts.find((a) => a.login.toLowerCase() === login.toLowerCase());
    if (existing) return existing;
    const org: FakeGiteaAccount = {
      id: Math.max(0, ...this.data.accounts.map((a) => a.id)) + 1,
      login,
      fullName: login,
      isOrganization: true,
      isAdmin: false,
      members: [this.data.user.login],
    };
    this.data.accounts.push(org);
    return org;
  }
}

function branchesOf(git: TestGitRepository, protectedBranches: Set<string>): FakeGiteaBranch[] {
  return git.branches().map(({ name, sha }) => {
    const commit = git.commitInfo(sha)!;
    return {
      name,
      sha,
      committedAt: commit.committedAt,
      isProtected: protectedBranches.has(name),
      // git keeps the message's final newline, and Gitea reports the message as git stores it.
      commitMessage: `${commit.message}\n`,
    };
  });
}
