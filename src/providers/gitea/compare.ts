import type { Commit } from 'gitea-js';
import { ForgeMisconfiguredError, ForgeNotFoundError, ForgeUnreachableError } from '../errors.js';
import type { ForgeAdapter } from '../types.js';
import { isGiteaRefName } from './commits.js';
import { unreadableBody } from './errors.js';
import { GITEA_PAGE_SIZE, hasNextPage } from './pagination.js';
import type { GiteaCalls } from './repository-access.js';
import { repositoryPath, type RepositoryPath } from './repository-name.js';

/**
 * changedFiles through Gitea's compare API, GET /repos/{owner}/{repo}/compare/{base}...{head}
 * (routers/api/v1/repo/compare.go): every commit from the merge base of the two to `head`, each with the files it
 * added, removed or modified against its first parent (git.GetCommitFileStatus: `git log --name-status -m
 * --first-parent --no-renames`, so a rename is its old and its new path). The answer is the union of those
 * paths. The compare API has no pages.
 *
 * Gitea before 1.23 compares branches and tags only and answers 404 for commit ids (go-gitea/gitea#31838, fixed
 * by #32801); the same commits then come from GET /repos/{owner}/{repo}/commits?sha={head}&not={base}, every page.
 * Gitea answers 500 when a commit id does not exist (GetCompareInfo, `git log --not`); the two commits are then
 * looked up to say which one is missing.
 */
export function giteaChangedFiles(calls: GiteaCalls): ForgeAdapter['changedFiles'] {
  return async (repository, base, head) => {
    const target = repositoryPath(repository);
    for (const ref of [base, head]) if (!isGiteaRefName(ref)) throw noCommit(target, ref);
    const notFound = () => new ForgeNotFoundError(`The Gitea repository ${target.fullName} has no commit ${short(base)} or ${short(head)}, or is not visible to these credentials`);

    return calls.tellingAuthFromNotFound(async () => {
      try {
        const basehead = `${encodeURIComponent(base)}...${encodeURIComponent(head)}`;
        const { data } = await calls.call((a) => a.repos.repoCompareDiff(target.o, target.r, basehead), notFound);
        return [...pathsOf(data.commits ?? [], calls.urlField)];
      } catch (error) {
        if (isServerFailure(error)) throw (await missingCommit(calls, target, [base, head])) ?? error;
        if (!(error instanceof ForgeNotFoundError)) throw error;
      }
      try {
        return await listedChanges(calls, target, base, head, notFound);
      } catch (error) {
        if (isServerFailure(error)) throw (await missingCommit(calls, target, [base, head])) ?? error;
        throw error;
      }
    });
  };
}

/** GET /repos/{owner}/{repo}/commits?sha={head}&not={base}&files=true, every page: the commits `git log head --not base` lists. */
async function listedChanges(calls: GiteaCalls, target: RepositoryPath, base: string, head: string, notFound: () => ForgeNotFoundError): Promise<string[]> {
  const paths = new Set<string>();
  for (let page = 1; ; page++) {
    const { data, headers } = await calls.call(
      (a) => a.repos.repoGetAllCommits(target.o, target.r, { sha: head, not: base, stat: false, verification: false, files: true, page, limit: GITEA_PAGE_SIZE }),
      notFound,
    );
    if (!Array.isArray(data)) throw unreadableBody(null, calls.urlField);
    for (const path of pathsOf(data, calls.urlField)) paths.add(path);
    if (data.length === 0 || !hasNextPage(headers, page, GITEA_PAGE_SIZE, data.length)) return [...paths];
  }
}

/** Every file the commits touched; a commit without its file list (a Gitea too old for `files`) would read as "nothing changed". */
function pathsOf(commits: readonly Commit[], urlField: string): Set<string> {
  const paths = new Set<string>();
  for (const commit of commits) {
    if (!Array.isArray(commit.files)) {
      throw new ForgeMisconfiguredError(`The Gitea at the provider's ${urlField} listed commits without the files they changed; Gitea 1.22 or later lists them`, urlField);
    }
    for (const file of commit.files) if (file.filename) paths.add(file.filename);
  }
  return paths;
}

/** A 5xx after ForgeHttp's retries (or a forge gone meanwhile, where the lookup fails the same way), not a timeout. */
function isServerFailure(error: unknown): boolean {
  return error instanceof ForgeUnreachableError && !error.timedOut;
}

/** The ForgeNotFoundError for the first of `refs` that names no commit (GET …/git/commits/{ref}), or null when both exist. */
async function missingCommit(calls: GiteaCalls, target: RepositoryPath, refs: string[]): Promise<ForgeNotFoundError | null> {
  for (const ref of refs) {
    const missing = await calls
      .call((a) => a.repos.repoGetSingleCommit(target.o, target.r, encodeURIComponent(ref), { stat: false, verification: false, files: false }), () => noCommit(target, ref))
      .then(
        () => null,
        (error: unknown) => (error instanceof ForgeNotFoundError ? error : null),
      );
    if (missing) return missing;
  }
  return null;
}

function noCommit(target: RepositoryPath, ref: string): ForgeNotFoundError {
  return new ForgeNotFoundError(`The Gitea repository ${target.fullName} has no commit "${short(ref)}", or is not visible to these credentials`);
}

const short = (ref: string) => (/^[0-9a-f]{40,64}$/i.test(ref) ? ref.slice(0, 12) : ref.slice(0, 200));
