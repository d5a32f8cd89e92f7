import type { RequestAuthor } from '../types.js';
import { API_VERSION_HEADERS, type GitHubClient } from './client.js';
import { parseFullName } from './repository-name.js';

/** The legacy roles that may push: GitHub maps maintain to write (docs: Get repository permissions for a user). */
const PUSH_PERMISSIONS = new Set(['admin', 'write']);

/**
 * Whether the author may push to the repository, as GitHub computes it from every grant (direct collaborator,
 * team, organization base role, organization owner): `GET /repos/{owner}/{repo}/collaborators/{username}/permission`,
 * which an installation token may call with the "Metadata" permission. The collaborator check (204/404) would also
 * count read-only access (an organization's members under a read base role), so the role is read instead. A login
 * GitHub does not know (404) is untrusted, and so is an author without a login.
 */
export async function isTrustedAuthor(client: GitHubClient, repository: string, author: RequestAuthor): Promise<boolean> {
  const { owner, repo } = parseFullName(repository);
  const username = author.login?.trim();
  if (!username) return false;
  try {
    const { data } = await client.request('GET /repos/{owner}/{repo}/collaborators/{username}/permission', { owner, repo, username, headers: API_VERSION_HEADERS });
    return PUSH_PERMISSIONS.has(data.permission);
  } catch (error) {
    if ((error as { status?: unknown } | null)?.status === 404) return false;
    throw error;
  }
}
