import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { findCommit, type FakeGiteaCommit } from './commits.js';
import type { FakeGiteaRepository } from './seed.js';

export type CompareOutcome = { status: 200; commits: FakeGiteaCommit[] } | { status: 404 } | { status: 500 };

/**
 * GET /repos/{owner}/{repo}/compare/{basehead} (routers/api/v1/repo/compare.go with parseCompareInfo in
 * routers/api/v1/repo/pull.go): `basehead` is `base...head`, `base..head`, or `head` alone (against the default
 * branch). Each side must be a branch or a tag, or, from Gitea 1.23 on (`acceptsCommitIds`, go-gitea/gitea#32801),
 * a full commit id (git.IsStringLikelyCommitID); anything else is 404, as is `owner:branch` of a fork (none here).
 * GetCompareInfo then lists `git log <merge-base>...head`, newest first; a commit id that does not exist, or two
 * histories without a merge base, fail there (500).
 */
export function compareRefs(repo: FakeGiteaRepository, basehead: string, acceptsCommitIds: boolean): CompareOutcome {
  let infos = basehead.split('...');
  if (infos.length !== 2) infos = basehead.split('..');
  if (infos.length !== 2) infos = [repo.defaultBranch, basehead];
  const [base, head] = infos as [string, string];
  if (head.includes(':')) return { status: 404 };
  const valid = (ref: string) => isBranchOrTag(repo, ref) || (acceptsCommitIds && /^[0-9a-f]{40}$/.test(ref));
  if (!valid(base) || !valid(head)) return { status: 404 };
  if (!repo.git) return { status: 200, commits: [] };
  const mergeBase = git(repo, ['merge-base', base, head]);
  if (mergeBase === null) return { status: 500 };
  const listed = git(repo, ['rev-list', `${mergeBase}..${head}`]);
  if (listed === null) return { status: 500 };
  return { status: 200, commits: shas(listed).map((sha) => findCommit(repo, sha)!) };
}

export type ListOutcome = { status: 200; commits: FakeGiteaCommit[] } | { status: 404 } | { status: 500 };

/**
 * GET /repos/{owner}/{repo}/commits without `path` (routers/api/v1/repo/commits.go GetAllCommits): `sha` (default:
 * the default branch) through GitRepo.GetCommit, 404 when it names no commit; `not` handed to `git log --not`, so
 * a `not` git cannot resolve fails the command (500). Newest first; the caller pages it.
 */
export function listCommits(repo: FakeGiteaRepository, sha: string | null, not: string | null): ListOutcome {
  const head = findCommit(repo, sha || repo.defaultBranch);
  if (!head) return { status: 404 };
  if (!repo.git) return { status: 200, commits: [head] };
  const listed = git(repo, ['rev-list', head.sha, ...(not ? ['--not', not] : []), '--']);
  if (listed === null) return { status: 500 };
  return { status: 200, commits: shas(listed).map((id) => findCommit(repo, id)!) };
}

function isBranchOrTag(repo: FakeGiteaRepository, ref: string): boolean {
  if (repo.git) return repo.git.branches().some((b) => b.name === ref) || repo.git.tags().some((t) => t.name === ref);
  return repo.branches.some((b) => b.name === ref);
}

const shas = (out: string) => out.split('\n').filter(Boolean);

/** git's output, or null when git fails (an object it cannot resolve, no merge base). */
function git(repo: FakeGiteaRepository, args: string[]): string | null {
  try {
    return execFileSync('git', ['--git-dir', repo.git!.path, ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmpdir(), GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' },
    }).trim();
  } catch {
    return null;
  }
}
