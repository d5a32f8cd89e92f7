import type { FakeRequest } from '../fake-server.js';
import type { TestGitRepository } from '../git/repository.js';
import { errorBody, fullNameOf, type FakeBase, type RepositoryRecord } from './bodies.js';
import { commitsBetween, diffEntries, mergeBase, objectType, treeEntries, treeOf, type DiffEntry } from './git-compare.js';
import type { RepositoryContent } from './repository-content.js';
import { commitBody } from './source-bodies.js';
import type { RouteResult } from './source-routes.js';

export interface CompareRouteContext {
  base: FakeBase;
  repository: RepositoryRecord;
  content: RepositoryContent;
  /** The real repository behind it; null for a seeded one (its branch heads are unrelated root commits). */
  git: TestGitRepository | null;
  permissions: Record<string, string> | null;
  /** GitHub's cap on a recursive tree (100,000 entries); tests lower it to reach the truncated answer. */
  treeEntryLimit: number;
  paginate<T>(items: readonly T[]): { items: T[]; links: Record<string, string> };
}

/** "The list of changed files … includes up to 300 changed files for the entire comparison" (Compare two commits). */
export const COMPARE_FILE_LIMIT = 300;
/** "When calling this endpoint without any paging parameter (per_page or page), the returned list is limited to 250 commits." */
const UNPAGED_COMMIT_LIMIT = 250;
const FILE_STATUS: Record<string, string> = { A: 'added', D: 'removed', M: 'modified', T: 'changed', R: 'renamed', C: 'copied' };

const notFound = (): RouteResult => ({ status: 404, body: errorBody('404_not_found') });
const notAccessible = (): RouteResult => ({ status: 403, body: errorBody('403_resource') });
const canReadContents = (permissions: Record<string, string> | null) => permissions?.contents === 'read' || permissions?.contents === 'write';

/** The compare and Git trees endpoints of a repository (`rest` is the path after /repos/{owner}/{repo}), or null for another path. */
export function compareRoute(request: FakeRequest, rest: string, context: CompareRouteContext): RouteResult | null {
  if (request.method !== 'GET') return null;
  const compare = /^\/compare\/(.+)$/.exec(rest);
  if (compare) return compareCommits(request, safeDecode(compare[1]!), context);
  const tree = /^\/git\/trees\/(.+)$/.exec(rest);
  if (tree) return getTree(request, safeDecode(tree[1]!), context);
  return null;
}

/**
 * GET /repos/{owner}/{repo}/compare/{basehead} (https://docs.github.com/rest/commits/commits#compare-two-commits):
 * `basehead` is `BASE...HEAD`, each a branch, tag or commit sha; "Contents" read on a private repository (403
 * "Resource not accessible by integration" without it); 404 Not Found for a ref that names no commit. The
 * comparison is from the merge base (`git log BASE..HEAD` for the commits, the diff from the merge base to HEAD
 * for the files), with `status` ahead/behind/diverged/identical and the counts. Commits come oldest first; with
 * `per_page` or `page` they are paginated with Link headers and the files are listed on the first page only,
 * "up to 300 changed files for the entire comparison"; without either, the list is the last 250 commits.
 * Unrelated histories answer 404 "No common ancestor between … and …." (observed; not in the spec).
 */
function compareCommits(request: FakeRequest, basehead: string, context: CompareRouteContext): RouteResult {
  const { base, repository, content, git, permissions } = context;
  if (repository.isPrivate && !canReadContents(permissions)) return notAccessible();
  const separator = basehead.indexOf('...');
  if (separator <= 0 || separator + 3 >= basehead.length) return notFound();
  const [baseRef, headRef] = [basehead.slice(0, separator), basehead.slice(separator + 3)];
  const baseSha = content.resolve(baseRef);
  const headSha = content.resolve(headRef);
  if (!baseSha || !headSha) return notFound();
  const ancestor = baseSha === headSha ? baseSha : git ? mergeBase(git, baseSha, headSha) : null;
  if (!ancestor) {
    return { status: 404, body: { message: `No common ancestor between ${baseRef} and ${headRef}.`, documentation_url: 'https://docs.github.com/rest/commits/commits#compare-two-commits', status: '404' } };
  }
  const ahead = git ? commitsBetween(git, baseSha, headSha) : [];
  const behindBy = git ? commitsBetween(git, headSha, baseSha).length : 0;
  const status = ahead.length === 0 && behindBy === 0 ? 'identical' : behindBy === 0 ? 'ahead' : ahead.length === 0 ? 'behind' : 'diverged';

  const paged = request.url.searchParams.has('per_page') || request.url.searchParams.has('page');
  let commits = ahead;
  let links: Record<string, string> = {};
  let firstPage = true;
  if (paged) {
    ({ items: commits, links } = context.paginate(ahead));
    const page = Number.parseInt(request.url.searchParams.get('page') ?? '1', 10);
    firstPage = Number.isNaN(page) || page <= 1;
  } else {
    commits = ahead.slice(-UNPAGED_COMMIT_LIMIT);
  }
  const files = firstPage && git ? diffEntries(git, ancestor, headSha).slice(0, COMPARE_FILE_LIMIT) : [];
  const commitOf = (sha: string) => commitBody(base, repository, content.commit(sha)!);
  const fullName = fullNameOf(repository);
  return {
    status: 200,
    headers: links,
    body: {
      url: `${base.api}/repos/${fullName}/compare/${basehead}`,
      html_url: `${base.web}/${fullName}/compare/${basehead}`,
      permalink_url: `${base.web}/${fullName}/compare/${repository.owner.login}:${baseSha.slice(0, 7)}...${repository.owner.login}:${headSha.slice(0, 7)}`,
      diff_url: `${base.web}/${fullName}/compare/${basehead}.diff`,
      patch_url: `${base.web}/${fullName}/compare/${basehead}.patch`,
      base_commit: commitOf(baseSha),
      merge_base_commit: commitOf(ancestor),
      status,
      ahead_by: ahead.length,
      behind_by: behindBy,
      total_commits: ahead.length,
      commits: commits.map(commitOf),
      files: files.map((file) => diffEntryBody(context, headSha, file)),
    },
  };
}

/** The `diff-entry` schema (the optional `patch` is left out). */
function diffEntryBody({ base, repository }: CompareRouteContext, headSha: string, file: DiffEntry) {
  const fullName = fullNameOf(repository);
  const removed = file.status === 'D';
  const at = removed ? `${headSha}^` : headSha;
  return {
    sha: removed ? file.oldSha : file.newSha,
    filename: file.path,
    status: FILE_STATUS[file.status] ?? 'modified',
    additions: file.additions,
    deletions: file.deletions,
    changes: file.additions + file.deletions,
    blob_url: `${base.web}/${fullName}/blob/${at}/${encodeURI(file.path)}`,
    raw_url: `${base.web}/${fullName}/raw/${at}/${encodeURI(file.path)}`,
    contents_url: `${base.api}/repos/${fullName}/contents/${encodeURI(file.path)}?ref=${at}`,
    ...(file.previousPath !== null ? { previous_filename: file.previousPath } : {}),
  };
}

/**
 * GET /repos/{owner}/{repo}/git/trees/{tree_sha} (https://docs.github.com/rest/git/trees#get-a-tree): `tree_sha` is
 * "the SHA1 value or ref (branch or tag) name of the tree"; `recursive` set to any value lists every entry below it
 * (subtrees included), up to 100,000 entries, beyond which the answer is cut and `truncated` is true; "Contents"
 * read on a private repository (the Git database endpoints need it); 404 Not Found for anything else.
 */
function getTree(request: FakeRequest, name: string, context: CompareRouteContext): RouteResult {
  const { base, repository, content, git, permissions } = context;
  if (repository.isPrivate && !canReadContents(permissions)) return notAccessible();
  if (!git) return notFound();
  let tree: string | null = null;
  if (/^[0-9a-f]{40}$/i.test(name)) tree = objectType(git, name) === 'tree' ? name.toLowerCase() : null;
  else {
    const qualified = /^(?:refs\/)?(heads|tags)\/(.+)$/.exec(name);
    const named = qualified ? content.resolve(`${qualified[1]}/${qualified[2]}`) : (content.branches().find((b) => b.name === name)?.sha ?? content.tags().find((t) => t.name === name)?.sha);
    tree = named ? treeOf(git, named) : null;
  }
  if (!tree) return notFound();
  const recursive = request.url.searchParams.has('recursive');
  const entries = treeEntries(git, tree, recursive);
  const truncated = recursive && entries.length > context.treeEntryLimit;
  const api = `${base.api}/repos/${fullNameOf(repository)}/git`;
  return {
    status: 200,
    body: {
      sha: tree,
      url: `${api}/trees/${tree}`,
      tree: (truncated ? entries.slice(0, context.treeEntryLimit) : entries).map((entry) => ({
        path: entry.path,
        mode: entry.mode,
        type: entry.type,
        sha: entry.sha,
        ...(entry.type === 'blob' ? { size: entry.size, url: `${api}/blobs/${entry.sha}` } : entry.type === 'tree' ? { url: `${api}/trees/${entry.sha}` } : {}),
      })),
      truncated,
    },
  };
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
