import { ForgeNotFoundError } from '../errors.js';
import { API_VERSION_HEADERS, type GitHubClient } from './client.js';
import { parseFullName } from './repository-name.js';

/** "The list of changed files … includes up to 300 changed files for the entire comparison" (docs: Compare two commits). */
const COMPARE_FILE_LIMIT = 300;

interface TreeEntry {
  path: string;
  mode: string;
  type: string;
  sha: string;
}

interface Tree {
  entries: TreeEntry[];
  truncated: boolean;
}

const EMPTY_TREE: Tree = { entries: [], truncated: false };

/**
 * Every path that differs between `base` and `head` (a rename counts with both its paths), from GitHub's compare.
 * Compare lists the files changed since the merge base, at most 300 of them and only on its first page, so its list
 * is the answer only when `base` is an ancestor of `head` (status "ahead" or "identical") and it has fewer than 300
 * files. Otherwise (a force push, a diverged or longer change) the two commits' trees are compared: one recursive
 * listing each, or, where GitHub truncates one (over 100,000 entries), one level at a time through the subtrees that
 * differ.
 */
export async function changedFiles(client: GitHubClient, repository: string, base: string, head: string): Promise<string[]> {
  const { owner, repo } = parseFullName(repository);
  const [from, to] = [base.trim(), head.trim()];
  if (!from || !to) throw new ForgeNotFoundError('No commits to compare: a ref is empty');
  // A paging parameter keeps the commit list to one entry; the files come with the first page regardless.
  const { data: comparison } = await client.request('GET /repos/{owner}/{repo}/compare/{basehead}', {
    owner,
    repo,
    basehead: `${from}...${to}`,
    per_page: 1,
    headers: API_VERSION_HEADERS,
  });
  const files = comparison.files ?? [];
  if ((comparison.status === 'ahead' || comparison.status === 'identical') && files.length < COMPARE_FILE_LIMIT) {
    return unique(files.flatMap((file) => (file.previous_filename ? [file.previous_filename, file.filename] : [file.filename])));
  }

  const { data: headCommit } = await client.request('GET /repos/{owner}/{repo}/commits/{ref}', { owner, repo, ref: to, per_page: 1, headers: API_VERSION_HEADERS });
  const readTree = async (sha: string | null, recursive: boolean): Promise<Tree> => {
    if (!sha) return EMPTY_TREE;
    const { data } = await client.request('GET /repos/{owner}/{repo}/git/trees/{tree_sha}', {
      owner,
      repo,
      tree_sha: sha,
      ...(recursive ? { recursive: '1' } : {}),
      headers: API_VERSION_HEADERS,
    });
    return { entries: data.tree.map((entry) => ({ path: entry.path ?? '', mode: entry.mode ?? '', type: entry.type ?? '', sha: entry.sha ?? '' })), truncated: data.truncated };
  };
  return unique(await diffTrees(readTree, comparison.base_commit.commit.tree.sha, headCommit.commit.tree.sha, ''));
}

/** The paths below `prefix` whose file (blob or submodule, with its mode) differs between two trees; null is an empty tree. */
async function diffTrees(readTree: (sha: string | null, recursive: boolean) => Promise<Tree>, left: string | null, right: string | null, prefix: string): Promise<string[]> {
  if (left === right) return [];
  const [wholeLeft, wholeRight] = await Promise.all([readTree(left, true), readTree(right, true)]);
  if (!wholeLeft.truncated && !wholeRight.truncated) {
    const files = (tree: Tree) => new Map(tree.entries.filter((entry) => entry.type !== 'tree').map((entry) => [entry.path, `${entry.mode} ${entry.sha}`]));
    const [before, after] = [files(wholeLeft), files(wholeRight)];
    return [...new Set([...before.keys(), ...after.keys()])]
      .filter((path) => before.get(path) !== after.get(path))
      .sort()
      .map((path) => prefix + path);
  }

  const [levelLeft, levelRight] = await Promise.all([readTree(left, false), readTree(right, false)]);
  const byName = (tree: Tree) => new Map(tree.entries.map((entry) => [entry.path, entry]));
  const [before, after] = [byName(levelLeft), byName(levelRight)];
  const paths: string[] = [];
  for (const name of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const [was, is] = [before.get(name), after.get(name)];
    if (was && is && was.sha === is.sha && was.mode === is.mode) continue;
    const [wasTree, isTree] = [was?.type === 'tree' ? was.sha : null, is?.type === 'tree' ? is.sha : null];
    if (wasTree || isTree) paths.push(...(await diffTrees(readTree, wasTree, isTree, `${prefix}${name}/`)));
    if ((was && was.type !== 'tree') || (is && is.type !== 'tree')) paths.push(prefix + name);
  }
  return paths;
}

function unique(paths: string[]): string[] {
  return [...new Set(paths)];
}
