import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import type { TestGitRepository } from '../git/repository.js';

type Json = Record<string, unknown>;

export type DiffstatOutcome = { entries: Json[] } | { missing: string } | { badRequest: string };

/**
 * GET /repositories/{workspace}/{repo_slug}/diffstat/{spec} of a git repository, by the official spec: `spec`
 * is one commit (diffed against its first parent) or `first..second`, where the first commit holds the changes
 * and the second is the state compared with (the opposite of git diff). With `topic` (or the deprecated `merge`)
 * true or both absent, the diff is from the merge base of the two; `topic=false`/`merge=false` is the plain
 * two-dot diff; both together are refused. `renames` (default true) turns rename detection on. Each entry is a
 * `diffstat`: status added/removed/modified/renamed, lines added and removed, and the `commit_file` before
 * (`old`, on the second commit) and after (`new`, on the first), as in the spec's sample output.
 */
export function diffstat(git: TestGitRepository, spec: string, query: URLSearchParams, links: { api: string; fullName: string }): DiffstatOutcome {
  const topic = query.get('topic');
  const merge = query.get('merge');
  if (topic !== null && merge !== null) return { badRequest: "The 'merge' and 'topic' parameters cannot be both used at the same time" };
  const threeDot = (topic ?? merge ?? 'true') !== 'false';
  const renames = query.get('renames') !== 'false';
  const [firstRef, secondRef, ...rest] = spec.split('..');
  if (!firstRef || rest.length > 0 || secondRef === '') return { missing: spec };
  const first = git.resolve(firstRef);
  if (!first) return { missing: firstRef };
  let second: string | null;
  if (secondRef === undefined) {
    second = git.commitInfo(first)!.parents[0] ?? null;
  } else {
    second = git.resolve(secondRef);
    if (!second) return { missing: secondRef };
  }
  const from = second === null ? EMPTY_TREE : threeDot ? run(git, ['merge-base', first, second]) : second;
  if (from === null) return { missing: spec };
  const args = ['diff', '-z', renames ? '--find-renames' : '--no-renames', from, first, '--'];
  const statuses = fields(run(git, [...args.slice(0, 3), '--name-status', ...args.slice(3)]) ?? '');
  const counts = numstat(run(git, [...args.slice(0, 3), '--numstat', ...args.slice(3)]) ?? '');
  const file = (path: string, sha: string) => ({
    path,
    escaped_path: path,
    type: 'commit_file',
    links: { self: { href: `${links.api}/repositories/${links.fullName}/src/${sha}/${path}` } },
  });
  const entries: Json[] = [];
  for (let i = 0; i < statuses.length; ) {
    const code = statuses[i++]!.charAt(0);
    const oldPath = statuses[i++]!;
    const newPath = code === 'R' || code === 'C' ? statuses[i++]! : oldPath;
    const status = code === 'A' || code === 'C' ? 'added' : code === 'D' ? 'removed' : code === 'R' ? 'renamed' : 'modified';
    const lines = counts.get(newPath) ?? { added: 0, removed: 0 };
    entries.push({
      type: 'diffstat',
      status,
      lines_added: lines.added,
      lines_removed: lines.removed,
      old: status === 'added' ? null : file(oldPath, second ?? first),
      new: status === 'removed' ? null : file(newPath, first),
    });
  }
  return { entries };
}

/** git's empty tree, what a root commit is diffed against. */
const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

function fields(out: string): string[] {
  const parts = out.split('\0');
  if (parts.at(-1) === '') parts.pop();
  return parts;
}

/** `--numstat -z`: "added\tremoved\tpath\0", or for a rename "added\tremoved\t\0old\0new\0". */
function numstat(out: string): Map<string, { added: number; removed: number }> {
  const counts = new Map<string, { added: number; removed: number }>();
  const parts = fields(out);
  for (let i = 0; i < parts.length; i++) {
    const [added, removed, path] = parts[i]!.split('\t');
    const name = path === '' ? parts[(i += 2)]! : path!;
    counts.set(name, { added: Number(added) || 0, removed: Number(removed) || 0 });
  }
  return counts;
}

function run(git: TestGitRepository, args: string[]): string | null {
  try {
    return execFileSync('git', ['--git-dir', git.path, ...args], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmpdir(), GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' },
    }).trim();
  } catch {
    return null;
  }
}
