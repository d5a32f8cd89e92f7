import type { CommitablePipelineStatus } from '@gitbeaker/rest';
import type { CommitState, ForgeAdapter } from '../types.js';
import type { GitLabCall } from './client.js';
import type { GitLabConfig } from './config.js';
import { projectRef } from './project-ref.js';
import { GitLabResponseError } from './requester.js';

/** GitLab has no "error" state: a deployment that could not run shows as failed (its description says why). */
const GITLAB_STATE: Record<CommitState, CommitablePipelineStatus> = {
  PENDING: 'pending',
  SUCCESS: 'success',
  FAILURE: 'failed',
  ERROR: 'failed',
};

/**
 * `POST /projects/:id/statuses/:sha` (doc/api/commits.md "Set the pipeline status of a commit"; needs the api
 * scope and the Developer role). GitLab updates a pending or running status of the same name, and a finished one
 * is replaced by a new one, so every state can follow a final state. It refuses to enqueue a status that is
 * already pending or running (400 "Cannot transition status via :enqueue from :pending"): a repeated PENDING
 * leaves that status as it is, description included, and is not an error.
 */
export function gitLabCommitStatus(call: GitLabCall, connect: () => GitLabConfig): Pick<ForgeAdapter, 'setCommitStatus'> {
  return {
    async setCommitStatus(repository, sha, status) {
      connect();
      const { name, id } = projectRef(repository);
      const state = GITLAB_STATE[status.state];
      await call({ kind: 'commitStatus', project: name, sha }, async (client) => {
        try {
          await client.commits.editStatus(id, sha, state, {
            name: status.context,
            description: status.description,
            ...(status.targetUrl ? { targetUrl: status.targetUrl } : {}),
          });
        } catch (error) {
          if (state === 'pending' && isStillInProgress(error)) return;
          throw error;
        }
      });
    },
  };
}

function isStillInProgress(error: unknown): boolean {
  return (
    error instanceof GitLabResponseError &&
    error.status === 400 &&
    /^Cannot transition status via :enqueue from :(pending|running)\b/.test(error.forgeMessage ?? '')
  );
}
