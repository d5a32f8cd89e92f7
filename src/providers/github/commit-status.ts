import type { CommitState, CommitStatus } from '../types.js';
import { API_VERSION_HEADERS, type GitHubClient } from './client.js';
import { parseFullName } from './repository-name.js';

/** GitHub's commit status states (docs: Create a commit status). */
const STATES: Record<CommitState, 'pending' | 'success' | 'failure' | 'error'> = {
  PENDING: 'pending',
  SUCCESS: 'success',
  FAILURE: 'failure',
  ERROR: 'error',
};

/** GitHub refuses a longer description (422 "description is too long (maximum is 140 characters)"). */
const DESCRIPTION_LIMIT = 140;

/** Creates a status on the commit; GitHub shows the latest status of each context, so this replaces the context's previous one. */
export async function setCommitStatus(client: GitHubClient, repository: string, sha: string, status: CommitStatus): Promise<void> {
  const { owner, repo } = parseFullName(repository);
  await client.request('POST /repos/{owner}/{repo}/statuses/{sha}', {
    owner,
    repo,
    sha,
    state: STATES[status.state],
    context: status.context,
    description: fitDescription(status.description),
    ...(status.targetUrl ? { target_url: status.targetUrl } : {}),
    headers: API_VERSION_HEADERS,
  });
}

function fitDescription(description: string): string {
  const characters = [...description];
  return characters.length <= DESCRIPTION_LIMIT ? description : `${characters.slice(0, DESCRIPTION_LIMIT - 1).join('')}…`;
}
