import type { CreateStatusOption } from 'gitea-js';
import type { CommitState, CommitStatus } from '../types.js';

/** Gitea's CommitStatusState values (it also has `warning`, which a deployment never reports). */
const GITEA_STATES: Record<CommitState, string> = {
  PENDING: 'pending',
  SUCCESS: 'success',
  FAILURE: 'failure',
  ERROR: 'error',
};

/** The body of POST /repos/{o}/{r}/statuses/{sha}; Gitea stores an absent target_url as "". */
export function toCreateStatusOption(status: CommitStatus): CreateStatusOption {
  return {
    state: GITEA_STATES[status.state],
    context: status.context,
    description: status.description,
    ...(status.targetUrl ? { target_url: status.targetUrl } : {}),
  };
}
