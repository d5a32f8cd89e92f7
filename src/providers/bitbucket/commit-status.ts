import { ForgeNotFoundError, ForgeUnreachableError } from '../errors.js';
import type { CommitState, CommitStatus } from '../types.js';
import type { BitbucketApi } from './client.js';
import { FORGE, type Subject } from './errors.js';
import { repositoryPath } from './repository-name.js';
import type { WireCommit, WireCommitStatus } from './wire.js';

/**
 * Bitbucket's build states. It has no "error": a deployment that could not run is reported as FAILED
 * (STOPPED is Bitbucket's word for a build someone stopped, which would mislead).
 */
const BITBUCKET_STATE: Record<CommitState, NonNullable<WireCommitStatus['state']>> = {
  PENDING: 'INPROGRESS',
  SUCCESS: 'SUCCESSFUL',
  FAILURE: 'FAILED',
  ERROR: 'FAILED',
};

const SHA = /^[0-9a-f]{7,40}$/i;

/**
 * POST …/commit/{commit}/statuses/build: `key` is the status's identity (a later POST with the same key
 * replaces it), `name` is what Bitbucket shows. Bitbucket requires a `url`; without a target URL the status
 * links to the commit's own page on Bitbucket.
 */
export async function setCommitStatus(bb: BitbucketApi, repository: string, sha: string, status: CommitStatus): Promise<void> {
  const repo = repositoryPath(repository);
  const subject: Subject = { kind: 'commit', repository: `${repo.workspace}/${repo.repo_slug}`, sha };
  if (!SHA.test(sha)) throw new ForgeNotFoundError(`${FORGE} commits are named by their sha; "${sha}" is not one`);
  const path = { ...repo, commit: sha };
  const url = status.targetUrl ?? (await commitPage(bb, subject, path));
  // The spec types every object with its `type`; the documented request body has none.
  const body = { key: status.context, state: BITBUCKET_STATE[status.state], name: status.context, description: status.description, url } as WireCommitStatus;
  await bb.call(subject, () => bb.client.POST('/repositories/{workspace}/{repo_slug}/commit/{commit}/statuses/build', { params: { path }, body }));
}

async function commitPage(bb: BitbucketApi, subject: Subject, path: { workspace: string; repo_slug: string; commit: string }): Promise<string> {
  const { data } = await bb.call(subject, () => bb.client.GET('/repositories/{workspace}/{repo_slug}/commit/{commit}', { params: { path } }));
  const href = (data as WireCommit).links?.html?.href;
  if (!href) throw new ForgeUnreachableError(`${FORGE} sent the commit without a link to its page, which a status without a target URL links to`);
  return href;
}
