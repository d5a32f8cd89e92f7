import type { FakeResponse } from '../fake-server.js';
import type { TestCommit, TestGitRepository } from '../git/repository.js';
import { branchBody, errorBody, type SeedRepository } from './bodies.js';
import { commitBody, gitBranchBody, tagBody } from './git-bodies.js';

type Json = Record<string, any>;

/** The API base and the web origin (pages, git) the bodies link to. */
export interface Origins {
  api: string;
  web: string;
}

/**
 * Branch, tag and commit answers of one repository: from its git data when it has some, else from the
 * generated branches (whose commits exist only as their branch heads). 404 texts are [synth]; the
 * `{type:"error"}` envelope is the spec's.
 */
export class RepositoryRefs {
  constructor(
    private readonly repo: SeedRepository,
    private readonly origins: Origins,
  ) {}

  /** Every branch, in git's (lexical) order. */
  branches(): Json[] {
    const { repo, origins } = this;
    if (repo.git) return gitRefs(repo.git, repo.git.branches()).map(([name, commit]) => gitBranchBody(name, commit, repo, origins.api, origins.web));
    return [...repo.branches].sort((a, b) => compare(a.name, b.name)).map((b) => branchBody(b, repo, origins.api, origins.web));
  }

  /** GET …/refs/branches/{name}. */
  branch(name: string): FakeResponse {
    const { repo, origins } = this;
    if (repo.git) {
      const ref = repo.git.branches().find((b) => b.name === name);
      if (ref) return { status: 200, body: gitBranchBody(name, repo.git.commitInfo(ref.sha)!, repo, origins.api, origins.web) };
    } else {
      const branch = repo.branches.find((b) => b.name === name);
      if (branch) return { status: 200, body: branchBody(branch, repo, origins.api, origins.web) };
    }
    return { status: 404, body: errorBody(`Branch "${name}" not found`) };
  }

  /** GET …/refs/tags/{name} (generated repositories have no tags). */
  tag(name: string): FakeResponse {
    const { repo, origins } = this;
    const ref = repo.git?.tags().find((t) => t.name === name);
    if (repo.git && ref) return { status: 200, body: tagBody(name, repo.git.commitInfo(ref.sha)!, repo, origins.api, origins.web) };
    return { status: 404, body: errorBody(`Tag "${name}" not found`) };
  }

  /** GET …/commit/{commit}. */
  commit(id: string): FakeResponse {
    const commit = this.findCommit(id);
    if (!commit) return { status: 404, body: errorBody(`Commit ${id} not found`) };
    return { status: 200, body: commit.body() };
  }

  /** A full or abbreviated sha (the spec's `hash` pattern is [0-9a-f]{7,}) naming one commit. */
  findCommit(id: string): { sha: string; body: () => Json } | null {
    if (!/^[0-9a-f]{7,40}$/i.test(id)) return null;
    const prefix = id.toLowerCase();
    const { repo, origins } = this;
    if (repo.git) {
      const info = repo.git.commitInfo(prefix);
      // rev-parse would also take a branch named like a sha; only a commit whose sha starts so is one.
      if (!info || !info.sha.startsWith(prefix)) return null;
      return { sha: info.sha, body: () => commitBody(info, repo, origins.api, origins.web) };
    }
    const branch = repo.branches.find((b) => b.hash.startsWith(prefix));
    return branch ? { sha: branch.hash, body: () => branchBody(branch, repo, origins.api, origins.web).target } : null;
  }
}

export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Refs of a git repository in git's (lexical) order, with their commits. */
function gitRefs(git: TestGitRepository, refs: { name: string; sha: string }[]): [string, TestCommit][] {
  const commits = new Map<string, TestCommit>();
  return [...refs]
    .sort((a, b) => compare(a.name, b.name))
    .map(({ name, sha }) => {
      if (!commits.has(sha)) commits.set(sha, git.commitInfo(sha)!);
      return [name, commits.get(sha)!];
    });
}
