import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import type { Json } from './contract.js';
import type { FakeGiteaRepository } from './seed.js';

/**
 * Gitea's IsValidRefPattern (modules/git/ref.go): what GET /repos/{o}/{r}/git/commits/{sha} accepts before
 * looking anything up (422 otherwise).
 */
const REF_NAME_INVALID = /[\x00-\x1f\x7f \\~^:?*[]|^[/.]|\/\.|\.lock$|\.lock\/|\.\.|\/\/|@\{|[/.]$|^@$/;

export function isValidRefPattern(name: string): boolean {
  return !REF_NAME_INVALID.test(name);
}

export interface FakeGiteaCommit {
  sha: string;
  /** As git stores it, final newline included (Gitea's Commit.Message()). */
  message: string;
  authorName: string;
  authorEmail: string;
  committedAt: Date;
  parents: string[];
}

/**
 * What Gitea's `GitRepo.GetCommit(ref)` finds (modules/git/repo_commit_nogogit.go): whatever
 * `git cat-file --batch-check` resolves (a branch, a tag peeled to its commit, a full or short sha, in git's
 * own precedence); anything that is not a commit does not exist. A seeded repository without git data knows
 * only its branch heads.
 */
export function findCommit(repo: FakeGiteaRepository, ref: string): FakeGiteaCommit | null {
  if (repo.git) {
    const commit = repo.git.commitInfo(ref);
    if (!commit) return null;
    return { sha: commit.sha, message: `${commit.message}\n`, authorName: commit.authorName, authorEmail: commit.authorEmail, committedAt: commit.committedAt, parents: commit.parents };
  }
  const branch = repo.branches.find((b) => b.name === ref || b.sha === ref);
  if (!branch) return null;
  const example = { name: 'Gitea', email: 'someone@gitea.io' }; // the author of the contract's branch example
  return { sha: branch.sha, message: branch.commitMessage ?? `Update ${branch.name}\n`, authorName: example.name, authorEmail: example.email, committedAt: branch.committedAt, parents: [] };
}

export interface CommitBodyOptions {
  rootUrl: string;
  /** Gitea's `stat`, `verification` and `files` query flags (each defaults to true). */
  stat: boolean;
  verification: boolean;
  files: boolean;
  /** The Gitea user with the commit's author or committer email (GetUserByEmail), as a User body. */
  userByEmail(email: string): Json | null;
}

/**
 * convert.ToCommit (services/convert/git_commit.go) for the swagger `Commit` definition. Gitea fills
 * `commit.tree.sha` with the commit's own id, and leaves the parents' `created` at Go's zero time.
 */
export function commitBody(repo: FakeGiteaRepository, commit: FakeGiteaCommit, options: CommitBodyOptions): Json {
  const fullName = `${repo.owner.login}/${repo.name}`;
  const api = `${options.rootUrl}api/v1/repos/${fullName}`;
  const date = commit.committedAt.toISOString().replace('.000Z', 'Z');
  const person = { name: commit.authorName, email: commit.authorEmail, date };
  const user = options.userByEmail(commit.authorEmail);
  const changes = options.files || options.stat ? changesOf(repo, commit) : null;
  return {
    url: `${api}/git/commits/${commit.sha}`,
    sha: commit.sha,
    created: date,
    html_url: `${options.rootUrl}${fullName}/commit/${commit.sha}`,
    commit: {
      url: `${api}/git/commits/${commit.sha}`,
      author: person,
      committer: { ...person },
      message: commit.message,
      tree: { url: `${api}/git/trees/${commit.sha}`, sha: commit.sha, created: date },
      verification: options.verification ? { verified: false, reason: 'gpg.error.not_signed_commit', signature: '', signer: null, payload: '' } : null,
    },
    author: user,
    committer: user,
    parents: commit.parents.map((sha) => ({ url: `${api}/git/commits/${sha}`, sha, created: '0001-01-01T00:00:00Z' })),
    files: options.files ? changes!.files : null,
    stats: options.stat ? changes!.stats : null,
  };
}

/**
 * `files` and `stats` of a commit, from git itself. The files are what Gitea's git.GetCommitFileStatus reads:
 * `git log --name-status -m --first-parent --no-renames -z -1 <sha>` (against the first parent; a rename is a
 * removal and an addition; only A, D and M are kept, in that order of statuses as convert.ToCommit lists them).
 */
function changesOf(repo: FakeGiteaRepository, commit: FakeGiteaCommit): { files: Json[]; stats: Json } {
  if (!repo.git) return { files: [], stats: { total: 0, additions: 0, deletions: 0 } };
  const git = (args: string[]) =>
    execFileSync('git', ['--git-dir', repo.git!.path, ...args], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmpdir(), GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' },
    });
  const fields = git(['log', '--name-status', '-m', '--first-parent', '--no-renames', '--pretty=format:', '-z', '-1', commit.sha])
    .replace(/^\n/, '')
    .split('\0');
  const byStatus: Record<string, string[]> = { added: [], removed: [], modified: [] };
  const statusNames: Record<string, string> = { A: 'added', D: 'removed', M: 'modified' };
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const status = statusNames[fields[i]!.trim().charAt(0)];
    if (status) byStatus[status]!.push(fields[i + 1]!);
  }
  const files = Object.entries(byStatus).flatMap(([status, names]) => names.map((filename) => ({ filename, status })));
  let additions = 0;
  let deletions = 0;
  for (const line of git(['show', '--format=', '--numstat', '--first-parent', '--no-renames', commit.sha]).split('\n').filter(Boolean)) {
    const [added, deleted] = line.split('\t');
    additions += Number(added) || 0;
    deletions += Number(deleted) || 0;
  }
  return { files, stats: { total: additions + deletions, additions, deletions } };
}
