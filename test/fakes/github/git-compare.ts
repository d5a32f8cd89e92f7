import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import type { TestGitRepository } from '../git/repository.js';

/** What the fake's compare and tree endpoints read from a real repository (plumbing, straight from the bare repository). */

export interface DiffEntry {
  /** git's status letter: A, D, M, T, R (rename), C (copy). */
  status: string;
  path: string;
  /** The path before a rename or copy. */
  previousPath: string | null;
  oldSha: string;
  newSha: string;
  additions: number;
  deletions: number;
}

export interface TreeEntry {
  path: string;
  mode: string;
  type: 'blob' | 'tree' | 'commit';
  sha: string;
  size: number | null;
}

export function mergeBase(repository: TestGitRepository, a: string, b: string): string | null {
  try {
    return git(repository, ['merge-base', a, b]) || null;
  } catch {
    // Exit status 1: the commits share no history.
    return null;
  }
}

/** Commits reachable from `head` and not from `base`, oldest first. */
export function commitsBetween(repository: TestGitRepository, base: string, head: string): string[] {
  const out = git(repository, ['rev-list', '--reverse', `${base}..${head}`]);
  return out ? out.split('\n') : [];
}

/** The files that differ between two commits, renames detected as git does by default (50% similarity), in path order. */
export function diffEntries(repository: TestGitRepository, from: string, to: string): DiffEntry[] {
  const raw = git(repository, ['diff', '--raw', '-z', '-M', '--no-abbrev', from, to], false).split('\0');
  const numstat = git(repository, ['diff', '--numstat', '-z', '-M', from, to], false).split('\0');
  const counts: { additions: number; deletions: number }[] = [];
  for (let i = 0; i < numstat.length; i++) {
    const line = numstat[i]!;
    if (!line) continue;
    const [added, deleted, path] = line.split('\t');
    // A rename's numstat has an empty path and the two paths as the next fields.
    if (path === '') i += 2;
    counts.push({ additions: Number(added) || 0, deletions: Number(deleted) || 0 });
  }
  const entries: DiffEntry[] = [];
  for (let i = 0; i < raw.length; i++) {
    const header = raw[i]!;
    if (!header.startsWith(':')) continue;
    const [, , oldSha, newSha, status] = header.slice(1).split(' ') as [string, string, string, string, string];
    const letter = status[0]!;
    const twoPaths = letter === 'R' || letter === 'C';
    const first = raw[++i]!;
    const second = twoPaths ? raw[++i]! : null;
    const count = counts[entries.length] ?? { additions: 0, deletions: 0 };
    entries.push({ status: letter, path: second ?? first, previousPath: twoPaths ? first : null, oldSha, newSha, ...count });
  }
  return entries;
}

/** The object a name resolves to and its type, or null. */
export function objectType(repository: TestGitRepository, name: string): 'blob' | 'tree' | 'commit' | 'tag' | null {
  if (!name || name.startsWith('-')) return null;
  try {
    return git(repository, ['cat-file', '-t', name]) as 'blob' | 'tree' | 'commit' | 'tag';
  } catch {
    return null;
  }
}

/** `git ls-tree` of a tree-ish: its direct entries, or with `recursive` every entry below it (subtrees included). */
export function treeEntries(repository: TestGitRepository, treeish: string, recursive: boolean): TreeEntry[] {
  const out = git(repository, ['ls-tree', '-l', '-z', ...(recursive ? ['-r', '-t'] : []), treeish], false);
  return out
    .split('\0')
    .filter(Boolean)
    .map((line) => {
      const tab = line.indexOf('\t');
      const [mode, type, sha, size] = line.slice(0, tab).split(/\s+/) as [string, TreeEntry['type'], string, string];
      return { path: line.slice(tab + 1), mode, type, sha, size: size === '-' ? null : Number(size) };
    });
}

/** The tree of a commit-ish. */
export function treeOf(repository: TestGitRepository, commitish: string): string {
  return git(repository, ['rev-parse', `${commitish}^{tree}`]);
}

function git(repository: TestGitRepository, args: string[], trim = true): string {
  const out = execFileSync('git', ['--git-dir', repository.path, ...args], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmpdir(), GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return trim ? out.trim() : out;
}
