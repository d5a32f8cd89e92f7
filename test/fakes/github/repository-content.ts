import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import type { TestGitRepository } from '../git/repository.js';
import type { BranchRecord, RepositoryRecord } from './bodies.js';

export interface GitPerson {
  name: string;
  email: string;
  /** ISO 8601 in UTC, seconds precision (how GitHub writes commit dates). */
  date: string;
}

export interface CommitRecord {
  sha: string;
  tree: string;
  parents: string[];
  author: GitPerson;
  committer: GitPerson;
  message: string;
}

/** What a repository holds: its branches, tags and commits. */
export interface RepositoryContent {
  /** Branches sorted by name (GitHub lists them so). */
  branches(): BranchRecord[];
  /** Tags with the commit each one names (annotated tags peeled). */
  tags(): { name: string; sha: string }[];
  isEmpty(): boolean;
  /** The commit `ref` names, as GitHub's `commit-ref` takes it, or null. */
  resolve(ref: string): string | null;
  commit(sha: string): CommitRecord | null;
}

const FULL_SHA = /^[0-9a-f]{40}$/i;
const ABBREVIATED_SHA = /^[0-9a-f]{7,39}$/i;

/**
 * A commit reference as GitHub's "Get a commit" documents it (https://docs.github.com/rest/commits/commits#get-a-commit,
 * parameter `ref`: "a commit SHA, branch name (heads/BRANCH_NAME), or tag name (tags/TAG_NAME)"), also with the
 * `refs/` prefix. A bare name is looked up as git itself does it (`git rev-parse`: tags before branches), and an
 * abbreviated sha only when no ref has that name.
 */
function resolveRef(ref: string, branches: Map<string, string>, tags: Map<string, string>, commitByPrefix: (hex: string) => string | null): string | null {
  if (FULL_SHA.test(ref)) return commitByPrefix(ref.toLowerCase());
  const qualified = /^(?:refs\/)?(heads|tags)\/(.+)$/.exec(ref);
  if (qualified) return (qualified[1] === 'heads' ? branches : tags).get(qualified[2]!) ?? null;
  const named = tags.get(ref) ?? branches.get(ref);
  if (named) return named;
  return ABBREVIATED_SHA.test(ref) ? commitByPrefix(ref.toLowerCase()) : null;
}

/** A repository backed by a real bare git repository: every answer is read from git at request time. */
export function gitContent(repository: TestGitRepository): RepositoryContent {
  const git = (args: string[]) => runGit(repository.path, args);
  const refs = () => ({
    branches: new Map(repository.branches().map((b) => [b.name, b.sha])),
    tags: new Map(repository.tags().map((t) => [t.name, repository.resolve(`refs/tags/${t.name}`)!])),
  });
  const commitByPrefix = (hex: string) => {
    const sha = repository.resolve(hex);
    return sha && sha.startsWith(hex) ? sha : null;
  };
  return {
    branches: () =>
      repository
        .branches()
        .map((b) => ({ name: b.name, sha: b.sha, isProtected: false }))
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    tags: () => [...refs().tags].map(([name, sha]) => ({ name, sha })),
    isEmpty: () => repository.branches().length === 0,
    resolve(ref) {
      const { branches, tags } = refs();
      return resolveRef(ref, branches, tags, commitByPrefix);
    },
    commit(sha) {
      if (!FULL_SHA.test(sha) || repository.resolve(sha) !== sha) return null;
      const fields = git(['log', '-1', '--format=%H%x00%T%x00%P%x00%an%x00%ae%x00%aI%x00%cn%x00%ce%x00%cI%x00%B', sha]).split('\0');
      const [commitSha, tree, parents, authorName, authorEmail, authorDate, committerName, committerEmail, committerDate, message] = fields;
      return {
        sha: commitSha!,
        tree: tree!,
        parents: parents ? parents.split(' ').filter(Boolean) : [],
        author: { name: authorName!, email: authorEmail!, date: utc(authorDate!) },
        committer: { name: committerName!, email: committerEmail!, date: utc(committerDate!) },
        message: (message ?? '').replace(/\n+$/, ''),
      };
    },
  };
}

/**
 * A seeded repository (no git data): its branch heads are the only commits, each a root commit by the
 * repository's owner at its last push, so the commit API agrees with the branch listing.
 */
export function seededContent(repository: RepositoryRecord): RepositoryContent {
  const branches = () => new Map(repository.branches.map((b) => [b.name, b.sha]));
  const commitByPrefix = (hex: string) => repository.branches.find((b) => b.sha.startsWith(hex))?.sha ?? null;
  return {
    branches: () => repository.branches,
    tags: () => [],
    isEmpty: () => repository.branches.length === 0,
    resolve: (ref) => resolveRef(ref, branches(), new Map(), commitByPrefix),
    commit(sha) {
      const branch = repository.branches.find((b) => b.sha === sha);
      if (!branch) return null;
      const person = { name: repository.owner.login, email: `${repository.owner.login}@users.noreply.example`, date: repository.pushedAt };
      return {
        sha,
        tree: createHash('sha1').update(`tree:${sha}`).digest('hex'),
        parents: [],
        author: person,
        committer: person,
        message: `Head of ${branch.name}`,
      };
    },
  };
}

function utc(isoWithOffset: string): string {
  return new Date(isoWithOffset).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function runGit(gitDir: string, args: string[]): string {
  return execFileSync('git', ['--git-dir', gitDir, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmpdir(), GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}
