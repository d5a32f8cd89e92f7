import type { FakeRequest, FakeResponse } from '../fake-server.js';
import { findCommit, renderCommit } from './commits.js';
import type { FakeProject } from './data.js';
import { gitCommit } from './git-data.js';
import { diffFiles, mergeBase, resolveCommit, treeEntries, type GitFileDiff } from './git-diff.js';
import { paginate, DEFAULT_PER_PAGE, MAX_PER_PAGE } from './pagination.js';

/**
 * The instance's diff limits (doc/administration/diff_limits.md: "Maximum diff files", default 1000, at most 3000;
 * "Maximum diff lines", default 50,000, at most 100,000), which an administrator may set; GitLab's settings
 * validation keeps them at no less than 500 files and 1000 lines.
 */
export interface DiffLimits {
  maxFiles: number;
  maxLines: number;
}

export const DEFAULT_DIFF_LIMITS: DiffLimits = { maxFiles: 1000, maxLines: 50_000 };

export function checkDiffLimits(limits: DiffLimits): DiffLimits {
  if (!(limits.maxFiles >= 500 && limits.maxFiles <= 3000)) throw new Error('GitLab keeps diff_max_files between 500 and 3000');
  if (!(limits.maxLines >= 1000 && limits.maxLines <= 100_000)) throw new Error('GitLab keeps diff_max_lines between 1000 and 100000');
  return limits;
}

export interface CompareContext {
  project: FakeProject;
  projectWebUrl: string;
  externalUrl: string;
  limits: DiffLimits;
}

const JSON_TYPE = { 'content-type': 'application/json' };
const json = (status: number, body: unknown, headers: Record<string, string> = {}): FakeResponse => ({ status, headers: { ...JSON_TYPE, ...headers }, body });
const grapeError = (error: string) => json(400, { error });
/** Grape's Boolean coercion: true/false (any case), 1/0. */
const booleanParam = (value: string | null): boolean | null | 'invalid' => {
  if (value === null) return null;
  if (/^(true|1)$/i.test(value)) return true;
  if (/^(false|0)$/i.test(value)) return false;
  return 'invalid';
};

/**
 * GET /projects/:id/repository/compare (lib/api/repositories.rb, lib/api/entities/compare.rb; doc/api/repositories.md):
 * `from` and `to` (commit, branch or tag) required (400 `{"error":"from is missing"}`); `straight` true compares `from`
 * with `to` directly (`from..to`), false (the default) from their merge base (`from...to`); 404 `Ref Not Found` when
 * either names no commit. The diffs are subject to the instance's diff limits (Gitlab::Git::DiffCollection): past
 * 10% of a limit a diff is collapsed (its `diff` empty), past the maximum files, lines or bytes (files × 5 KB) the
 * list stops there and `compare_timeout` is true. Commits are `from..to`, oldest first; `commit` is the last.
 */
export function compareRefs(request: FakeRequest, context: CompareContext): FakeResponse {
  const { project, projectWebUrl, limits } = context;
  const q = request.url.searchParams;
  const from = q.get('from');
  const to = q.get('to');
  if (from === null) return grapeError('from is missing');
  if (to === null) return grapeError('to is missing');
  const straight = booleanParam(q.get('straight'));
  if (straight === 'invalid') return grapeError('straight is invalid');
  const git = project.git;
  if (!git) return seededCompare(project, from, to, projectWebUrl);
  const fromSha = resolveCommit(git, from);
  const toSha = resolveCommit(git, to);
  if (!fromSha || !toSha) return json(404, { message: '404 Ref Not Found' });

  const base = straight ? fromSha : (mergeBase(git, fromSha, toSha) ?? fromSha);
  const { diffs, overflow } = limitDiffs(diffFiles(git, base, toSha), limits);
  const commits = git
    .commitsBetween(fromSha, toSha)
    .reverse()
    .map((sha) => renderCommit(gitCommit(git, sha)!, projectWebUrl));
  return json(200, {
    commit: commits.at(-1) ?? null,
    commits,
    diffs,
    compare_timeout: overflow,
    compare_same_ref: fromSha === toSha,
    web_url: `${projectWebUrl}/-/compare/${from}${straight ? '..' : '...'}${to}`,
  });
}

/** A seeded project knows its branch heads only, each a root commit without files: no diffs, and no commits between. */
function seededCompare(project: FakeProject, from: string, to: string, projectWebUrl: string): FakeResponse {
  const [fromCommit, toCommit] = [findCommit(project, from), findCommit(project, to)];
  if (!fromCommit || !toCommit) return json(404, { message: '404 Ref Not Found' });
  const same = fromCommit.sha === toCommit.sha;
  return json(200, {
    commit: same ? null : renderCommit(toCommit, projectWebUrl),
    commits: same ? [] : [renderCommit(toCommit, projectWebUrl)],
    diffs: [],
    compare_timeout: false,
    compare_same_ref: same,
    web_url: `${projectWebUrl}/-/compare/${from}...${to}`,
  });
}

/** Gitlab::Git::DiffCollection with limits: collapse past the safe limits (10% of each maximum), stop past a maximum. */
function limitDiffs(files: GitFileDiff[], limits: DiffLimits): { diffs: unknown[]; overflow: boolean } {
  const maxBytes = limits.maxFiles * 5 * 1024;
  const safe = { files: Math.floor(limits.maxFiles / 10), lines: Math.floor(limits.maxLines / 10), bytes: Math.floor(maxBytes / 10) };
  let lines = 0;
  let bytes = 0;
  const diffs: unknown[] = [];
  for (const [index, file] of files.entries()) {
    const fileLines = file.patch ? file.patch.replace(/\n$/, '').split('\n').length : 0;
    const fileBytes = Buffer.byteLength(file.patch);
    if (index >= limits.maxFiles || lines + fileLines > limits.maxLines || bytes + fileBytes > maxBytes) return { diffs, overflow: true };
    lines += fileLines;
    bytes += fileBytes;
    const collapsed = index >= safe.files || lines > safe.lines || bytes > safe.bytes;
    diffs.push({
      diff: collapsed ? '' : file.patch,
      collapsed,
      too_large: false,
      new_path: file.newPath,
      old_path: file.oldPath,
      a_mode: file.aMode,
      b_mode: file.bMode,
      new_file: file.newFile,
      renamed_file: file.renamedFile,
      deleted_file: file.deletedFile,
      generated_file: false,
    });
  }
  return { diffs, overflow: false };
}

/**
 * GET /projects/:id/repository/tree (lib/api/repositories.rb, Repositories::TreeFinder, Gitlab::Pagination::GitalyKeysetPager;
 * doc/api/repositories.md): `ref` a branch, tag or commit (default the default branch; 404 `Tree Not Found` for none),
 * `path`, `recursive` (every entry below, subtrees included). Pagination is `legacy` (offset: page/per_page, the
 * X-* headers), `keyset` (per_page and an opaque `page_token`; a `Link: <…>; rel="next"` while entries remain) or
 * `none` (everything at once, only with `recursive`: else 400). Entries are TreeObject: id, name, type, path, mode.
 */
export function repositoryTree(request: FakeRequest, context: CompareContext): FakeResponse {
  const { project, externalUrl } = context;
  const q = request.url.searchParams;
  const recursive = booleanParam(q.get('recursive'));
  if (recursive === 'invalid') return grapeError('recursive is invalid');
  const pagination = q.get('pagination') ?? 'legacy';
  if (!['legacy', 'keyset', 'none'].includes(pagination)) return grapeError('pagination does not have a valid value');
  if (pagination === 'none' && !recursive) return grapeError('pagination cannot be "none" unless "recursive" is true');
  const git = project.git;
  const ref = q.get('ref') ?? project.defaultBranch ?? '';
  // A seeded project's commits hold no files: its known refs have an empty tree.
  const commit = git ? resolveCommit(git, ref) : findCommit(project, ref)?.sha;
  const entries = commit ? (git ? treeEntries(git, commit, q.get('path') ?? '', recursive === true) : q.get('path') ? null : []) : null;
  if (!entries) return json(404, { message: '404 Tree Not Found' });
  const body = (items: typeof entries) => items.map((entry) => ({ id: entry.sha, name: entry.name, type: entry.type, path: entry.path, mode: entry.mode }));

  if (pagination === 'none') return json(200, body(entries));
  if (pagination === 'legacy') {
    const page = paginate(entries, request.url, externalUrl);
    return json(200, body(page.items), page.headers);
  }
  const requested = Number(q.get('per_page'));
  const perPage = Number.isInteger(requested) && requested > 0 ? Math.min(requested, MAX_PER_PAGE) : DEFAULT_PER_PAGE;
  const token = q.get('page_token');
  const start = token === null ? 0 : entries.findIndex((entry) => pageToken(entry.path) === token) + 1;
  // A token naming no entry of this tree: GitLab's answer is not documented; the fake treats it as an unknown tree.
  if (token !== null && start === 0) return json(404, { message: '404 Tree Not Found' });
  const items = entries.slice(start, start + perPage);
  const headers: Record<string, string> = {};
  if (start + perPage < entries.length) {
    const next = new URL(`${request.url.pathname}${request.url.search}`, externalUrl);
    next.searchParams.set('page_token', pageToken(items.at(-1)!.path));
    headers.link = `<${next.toString()}>; rel="next"`;
  }
  return json(200, body(items), headers);
}

/** Gitaly's tree page token: the last entry of the page, as base64 JSON. */
function pageToken(path: string): string {
  return Buffer.from(JSON.stringify({ file_name: path })).toString('base64');
}
