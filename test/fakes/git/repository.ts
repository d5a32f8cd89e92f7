import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface TestCommit {
  sha: string;
  message: string;
  authorName: string;
  authorEmail: string;
  committedAt: Date;
  parents: string[];
}

export interface CommitOptions {
  /** Files to write (path -> content); `null` deletes the file. */
  files: Record<string, string | null>;
  message: string;
  author?: { name: string; email: string };
}

const DEFAULT_AUTHOR = { name: 'Ada Lovelace', email: 'ada@example.com' };

/**
 * A real bare git repository for the fake forges to serve over smart HTTP (see http-backend.ts). Commits are
 * made with git's plumbing straight into the bare repository, so a test can push new commits while a fetch runs.
 */
export class TestGitRepository {
  private constructor(
    /** The bare repository's directory. */
    readonly path: string,
    private readonly root: string,
  ) {}

  /**
   * An empty bare repository at `<root>/<relativePath>` (e.g. `acme/web.git`); `root` is a new temporary
   * directory unless given, so several repositories can share one project root for `git http-backend`.
   */
  static create(relativePath: string, options: { root?: string } = {}): TestGitRepository {
    const root = options.root ?? mkdtempSync(path.join(tmpdir(), 'fake-forge-git-'));
    const dir = path.join(root, relativePath);
    mkdirSync(dir, { recursive: true });
    git(dir, ['init', '--quiet', '--bare', '--initial-branch=main']);
    return new TestGitRepository(dir, root);
  }

  /** The directory `git http-backend` serves (GIT_PROJECT_ROOT). */
  get projectRoot(): string {
    return this.root;
  }

  /** Adds a commit on `branch` (created from `from`, or as a root commit, when new) and moves the branch to it. */
  commit(branch: string, options: CommitOptions, from?: string): string {
    const parent = this.resolve(`refs/heads/${branch}`) ?? (from ? this.resolve(from) : null);
    const index = path.join(this.path, `index-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`);
    const env = { GIT_INDEX_FILE: index };
    try {
      if (parent) git(this.path, ['read-tree', parent], env);
      for (const [file, content] of Object.entries(options.files)) {
        if (content === null) {
          // `--force-remove` wants a work tree; a zero mode in --index-info removes the entry in a bare repository.
          git(this.path, ['update-index', '--index-info'], env, `0 ${'0'.repeat(40)}\t${file}\n`);
        } else {
          const blob = git(this.path, ['hash-object', '-w', '--stdin'], env, content);
          git(this.path, ['update-index', '--add', '--cacheinfo', `100644,${blob},${file}`], env);
        }
      }
      const tree = git(this.path, ['write-tree'], env);
      const author = options.author ?? DEFAULT_AUTHOR;
      const sha = git(this.path, ['commit-tree', tree, ...(parent ? ['-p', parent] : []), '-m', options.message], {
        GIT_AUTHOR_NAME: author.name,
        GIT_AUTHOR_EMAIL: author.email,
        GIT_COMMITTER_NAME: author.name,
        GIT_COMMITTER_EMAIL: author.email,
      });
      git(this.path, ['update-ref', `refs/heads/${branch}`, sha]);
      return sha;
    } finally {
      rmSync(index, { force: true });
    }
  }

  /** Moves `from` to `to` (same content) on `branch`, as one commit: a rename as git and the forges detect it. */
  rename(branch: string, from: string, to: string, message: string): string {
    const content = git(this.path, ['show', `refs/heads/${branch}:${from}`], {}, undefined, false);
    return this.commit(branch, { files: { [from]: null, [to]: content }, message });
  }

  /** A lightweight tag at `ref`. */
  tag(name: string, ref: string): string {
    const sha = this.resolve(ref);
    if (!sha) throw new Error(`no commit at ${ref}`);
    git(this.path, ['update-ref', `refs/tags/${name}`, sha]);
    return sha;
  }

  /** The commit a ref (branch, tag, sha or any rev) names, or null. */
  resolve(ref: string): string | null {
    try {
      return git(this.path, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
    } catch {
      return null;
    }
  }

  branches(): { name: string; sha: string }[] {
    return this.refs('refs/heads/');
  }

  tags(): { name: string; sha: string }[] {
    return this.refs('refs/tags/');
  }

  commitInfo(ref: string): TestCommit | null {
    const sha = this.resolve(ref);
    if (!sha) return null;
    const [authorName, authorEmail, date, parents, ...message] = git(this.path, ['show', '-s', '--format=%an%n%ae%n%cI%n%P%n%B', sha], {}, undefined, false).split('\n');
    return {
      sha,
      message: message.join('\n').replace(/\n+$/, ''),
      authorName: authorName ?? '',
      authorEmail: authorEmail ?? '',
      committedAt: new Date(date ?? 0),
      parents: parents ? parents.split(' ').filter(Boolean) : [],
    };
  }

  /** Commits reachable from `head` and not from `base`, newest first (what a forge's compare lists). */
  commitsBetween(base: string, head: string): string[] {
    const out = git(this.path, ['rev-list', `${base}..${head}`]);
    return out ? out.split('\n') : [];
  }

  /** Paths that differ between two commits. */
  changedFiles(base: string, head: string): string[] {
    const out = git(this.path, ['diff', '--name-only', base, head]);
    return out ? out.split('\n') : [];
  }

  /** Removes the whole project root (every repository created in it). */
  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }

  private refs(prefix: string): { name: string; sha: string }[] {
    const out = git(this.path, ['for-each-ref', '--format=%(refname) %(objectname)', prefix]);
    if (!out) return [];
    return out.split('\n').map((line) => {
      const [ref, sha] = line.split(' ');
      return { name: ref!.slice(prefix.length), sha: sha! };
    });
  }
}

function git(dir: string, args: string[], env: Record<string, string> = {}, input?: string, trim = true): string {
  const out = execFileSync('git', ['--git-dir', dir, ...args], {
    input,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmpdir(), GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  return trim ? out.trim() : out;
}
