import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import type { TestGitRepository } from '../git/repository.js';
import type { FakeBranch, FakeProject } from './data.js';

/** What the fake GitLab reads from a project's real repository (plumbing only, straight from the bare repository). */

export interface FakeCommit {
  sha: string;
  parents: string[];
  message: string;
  authorName: string;
  authorEmail: string;
  authoredAt: Date;
  committerName: string;
  committerEmail: string;
  committedAt: Date;
  stats: { additions: number; deletions: number };
}

/** The branches whose history contains `sha`, by name. */
export function gitBranchesContaining(repository: TestGitRepository, sha: string): string[] {
  const out = git(repository, ['for-each-ref', '--contains', sha, '--format=%(refname:lstrip=2)', 'refs/heads/']);
  return out ? out.split('\n').sort() : [];
}

/** The branches of a project backed by a real repository, by name, with their real heads. */
export function gitBranches(project: FakeProject, repository: TestGitRepository): FakeBranch[] {
  return repository
    .branches()
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map(({ name, sha }) => ({
      name,
      sha,
      // GitLab protects the default branch of a new project by default.
      protected: name === project.defaultBranch,
      committedAt: gitCommit(repository, sha)!.committedAt,
    }));
}

/** Points the repository's HEAD (GitLab's default branch) at `branch`, which need not exist yet. */
export function setHead(repository: TestGitRepository, branch: string): void {
  git(repository, ['symbolic-ref', 'HEAD', `refs/heads/${branch}`]);
}

export function isEmpty(repository: TestGitRepository): boolean {
  return repository.branches().length === 0;
}

const FORMAT = ['%H', '%P', '%an', '%ae', '%aI', '%cn', '%ce', '%cI', '%B'].join('%x00');

export function gitCommit(repository: TestGitRepository, ref: string): FakeCommit | null {
  const sha = repository.resolve(ref);
  if (!sha) return null;
  const [id, parents, authorName, authorEmail, authoredAt, committerName, committerEmail, committedAt, message] = git(
    repository,
    ['show', '-s', `--pretty=format:${FORMAT}`, sha],
    false,
  ).split('\0');
  let additions = 0;
  let deletions = 0;
  // The first commit has no parent to diff against: --root compares it with the empty tree.
  for (const line of git(repository, ['diff-tree', '--root', '--no-commit-id', '--numstat', '-r', sha]).split('\n').filter(Boolean)) {
    const [added, deleted] = line.split('\t');
    additions += Number(added) || 0;
    deletions += Number(deleted) || 0;
  }
  return {
    sha: id!,
    parents: parents ? parents.split(' ').filter(Boolean) : [],
    // Git keeps the message's final newline, and so does GitLab's `message`.
    message: message ?? '',
    authorName: authorName ?? '',
    authorEmail: authorEmail ?? '',
    authoredAt: new Date(authoredAt ?? 0),
    committerName: committerName ?? '',
    committerEmail: committerEmail ?? '',
    committedAt: new Date(committedAt ?? 0),
    stats: { additions, deletions },
  };
}

function git(repository: TestGitRepository, args: string[], trim = true): string {
  const out = execFileSync('git', ['--git-dir', repository.path, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmpdir(), GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return trim ? out.trim() : out;
}
