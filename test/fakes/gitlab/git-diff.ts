import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import type { TestGitRepository } from '../git/repository.js';

/** What the fake GitLab's compare and tree endpoints read from a project's real repository. */

export interface GitFileDiff {
  oldPath: string;
  newPath: string;
  aMode: string;
  bMode: string;
  newFile: boolean;
  deletedFile: boolean;
  renamedFile: boolean;
  /** The patch from its first hunk on (`@@ …`), or git's "Binary files … differ" line, as GitLab's `diff` holds it. */
  patch: string;
}

export interface GitTreeEntry {
  sha: string;
  name: string;
  type: 'blob' | 'tree' | 'commit';
  path: string;
  mode: string;
}

/** The files that differ between two commits, renames detected (git's default 50% similarity, as Gitaly finds them), in path order. */
export function diffFiles(repository: TestGitRepository, from: string, to: string): GitFileDiff[] {
  const raw = git(repository, ['diff', '--raw', '-z', '-M', '--no-abbrev', from, to]).split('\0');
  const patches = git(repository, ['diff', '-M', '--no-color', '--full-index', from, to]).split(/^(?=diff --git )/m).filter((part) => part.startsWith('diff --git '));
  const files: GitFileDiff[] = [];
  for (let i = 0; i < raw.length; i++) {
    const header = raw[i]!;
    if (!header.startsWith(':')) continue;
    const [aMode, bMode, , , status] = header.slice(1).split(' ') as [string, string, string, string, string];
    const twoPaths = status[0] === 'R' || status[0] === 'C';
    const first = raw[++i]!;
    const second = twoPaths ? raw[++i]! : first;
    const section = patches[files.length] ?? '';
    const hunks = section.search(/^(@@|Binary files )/m);
    files.push({
      oldPath: first,
      newPath: second,
      aMode,
      bMode,
      newFile: status[0] === 'A',
      deletedFile: status[0] === 'D',
      renamedFile: status[0] === 'R',
      patch: hunks < 0 ? '' : section.slice(hunks),
    });
  }
  return files;
}

/** The commit a name resolves to (a sha, branch or tag), or null; nothing that looks like an option reaches git. */
export function resolveCommit(repository: TestGitRepository, ref: string): string | null {
  return !ref || ref.startsWith('-') ? null : repository.resolve(ref);
}

export function mergeBase(repository: TestGitRepository, a: string, b: string): string | null {
  try {
    return git(repository, ['merge-base', a, b]).trim() || null;
  } catch {
    return null;
  }
}

/** The entries of the tree of `commit` at `path` (the root when empty): its direct entries, or every one below it. */
export function treeEntries(repository: TestGitRepository, commit: string, path: string, recursive: boolean): GitTreeEntry[] | null {
  const treeish = path ? `${commit}:${path.replace(/\/+$/, '')}` : `${commit}^{tree}`;
  let out: string;
  try {
    out = git(repository, ['ls-tree', '-z', '--full-tree', ...(recursive ? ['-r', '-t'] : []), treeish]);
  } catch {
    return null;
  }
  const prefix = path ? `${path.replace(/\/+$/, '')}/` : '';
  return out
    .split('\0')
    .filter(Boolean)
    .map((line) => {
      const tab = line.indexOf('\t');
      const [mode, type, sha] = line.slice(0, tab).split(' ') as [string, GitTreeEntry['type'], string];
      const relative = line.slice(tab + 1);
      return { sha, type, mode, path: prefix + relative, name: relative.slice(relative.lastIndexOf('/') + 1) };
    });
}

function git(repository: TestGitRepository, args: string[]): string {
  return execFileSync('git', ['--git-dir', repository.path, ...args], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmpdir(), GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}
