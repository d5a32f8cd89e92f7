import { ForgeMisconfiguredError, ForgeNotFoundError } from '../errors.js';
import type { CommitInfo, SourceAccess } from '../types.js';
import type { BitbucketApi } from './client.js';
import { FORGE, type Subject } from './errors.js';
import { toCommit } from './mappers.js';
import { type RepositoryPath, repositoryPath } from './repository-name.js';
import type { WireCommit, WireRepository } from './wire.js';

/** A full commit sha: looked up as a commit first. */
const FULL_SHA = /^[0-9a-f]{40}$/i;
/** What Bitbucket's `hash` looks like ([0-9a-f]{7,} in the spec): also tried as a commit. */
const ABBREVIATED_SHA = /^[0-9a-f]{7,40}$/i;

export async function readRepository(bb: BitbucketApi, repository: string): Promise<WireRepository> {
  const path = repositoryPath(repository);
  const { data } = await bb.call(subjectOf(path), () => bb.client.GET('/repositories/{workspace}/{repo_slug}', { params: { path } }));
  return data;
}

/**
 * The commit `ref` names: a branch (GET …/refs/branches/{name}), else a tag (…/refs/tags/{name}), else a
 * commit (…/commit/{commit}); a full sha is tried as a commit first. Bitbucket answers 404 both for a missing
 * ref and a missing repository, so when nothing matched the repository itself is asked for, to say which.
 */
export async function resolveCommit(bb: BitbucketApi, repository: string, ref: string): Promise<CommitInfo> {
  const path = repositoryPath(repository);
  const subject = subjectOf(path);
  const fullName = `${path.workspace}/${path.repo_slug}`;
  const notFound = () => new ForgeNotFoundError(`${FORGE} repository "${fullName}" has no branch, tag or commit named "${ref}"`);
  if (!couldBeRefName(ref)) {
    await readRepository(bb, repository);
    throw notFound();
  }

  const byBranch = async (): Promise<WireCommit | undefined> =>
    (await bb.call(subject, () => bb.client.GET('/repositories/{workspace}/{repo_slug}/refs/branches/{name}', { params: { path: { ...path, name: ref } } }))).data.target as WireCommit | undefined;
  const byTag = async (): Promise<WireCommit | undefined> =>
    (await bb.call(subject, () => bb.client.GET('/repositories/{workspace}/{repo_slug}/refs/tags/{name}', { params: { path: { ...path, name: ref } } }))).data.target as WireCommit | undefined;
  const byCommit = async (): Promise<WireCommit | undefined> =>
    (await bb.call(subject, () => bb.client.GET('/repositories/{workspace}/{repo_slug}/commit/{commit}', { params: { path: { ...path, commit: ref } } }))).data as WireCommit;

  const lookups = FULL_SHA.test(ref) ? [byCommit, byBranch, byTag] : ABBREVIATED_SHA.test(ref) ? [byBranch, byTag, byCommit] : [byBranch, byTag];
  for (const lookup of lookups) {
    let commit: WireCommit | undefined;
    try {
      commit = await lookup();
    } catch (error) {
      if (error instanceof ForgeNotFoundError) continue;
      throw error;
    }
    if (commit?.hash) return toCommit(commit);
  }
  await readRepository(bb, repository);
  throw notFound();
}

/**
 * The repository's `https` clone link and the git credentials. Bitbucket writes the caller's username into
 * the link (`https://user@bitbucket.org/ws/repo.git`); it is dropped, git gets the credentials as a header.
 * The credentials go only to the host Bitbucket serves git from (see gitOrigin): a link anywhere else is refused.
 */
export async function sourceAccess(bb: BitbucketApi, apiUrl: string, repository: string): Promise<SourceAccess> {
  const repo = await readRepository(bb, repository);
  const href = repo.links?.clone?.find((link) => link.name === 'https')?.href;
  if (!href) throw new ForgeMisconfiguredError(`${FORGE} reports no HTTPS clone URL for repository "${repository}"`);
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    throw new ForgeMisconfiguredError(`${FORGE} reports a clone URL for repository "${repository}" that is not a URL`);
  }
  url.username = '';
  url.password = '';
  const expected = gitOrigin(apiUrl);
  if (url.origin !== expected) {
    throw new ForgeMisconfiguredError(
      `${FORGE} reports a clone URL for repository "${repository}" on ${url.protocol}//${url.host}, not on ${expected}; the credentials are only sent to ${expected}`,
    );
  }
  return { cloneUrl: url.toString(), username: bb.credentials.git.username, password: bb.credentials.git.password };
}

/**
 * Where Bitbucket serves git over HTTPS: bitbucket.org for the real API (api.bitbucket.org), and the API's own
 * origin when BITBUCKET_API_URL points elsewhere (a proxy, or a test forge serving both).
 */
export function gitOrigin(apiUrl: string): string {
  const api = new URL(apiUrl);
  return api.origin === 'https://api.bitbucket.org' ? 'https://bitbucket.org' : api.origin;
}

function subjectOf(path: RepositoryPath): Subject {
  return { kind: 'repository', name: `${path.workspace}/${path.repo_slug}` };
}

/**
 * Whether git could have a branch or tag by this name (git check-ref-format's rules). Anything else names
 * nothing, and would not survive as a URL path segment either ("." and ".." are resolved away by URL parsing).
 */
function couldBeRefName(ref: string): boolean {
  if (!ref || ref.startsWith('/') || ref.endsWith('/') || ref.endsWith('.') || ref.includes('..') || ref.includes('@{') || ref === '@') return false;
  if (/[\u0000-\u0020\u007f~^:?*[\\]/.test(ref)) return false;
  return ref.split('/').every((part) => part !== '' && !part.startsWith('.') && !part.endsWith('.lock'));
}
