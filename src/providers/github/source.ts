import { ForgeMisconfiguredError, ForgeNotFoundError } from '../errors.js';
import type { CommitInfo, RepositoryInfo, SourceAccess } from '../types.js';
import { API_VERSION_HEADERS, type GitHubClient } from './client.js';
import { parseFullName } from './repository-name.js';
import type { ResolvedGitHubSettings } from './settings.js';
import { toCommit, toRepository, type WireCommit, type WireRepository } from './wire.js';

/** What GitHub documents as the username for git over HTTPS with an installation token (the token is the password). */
const GIT_USERNAME = 'x-access-token';
/** A token handed to git must outlive the fetch: one with less than this left is replaced first. */
const MIN_GIT_TOKEN_LIFETIME_MS = 10 * 60 * 1000;

export async function getRepository(client: GitHubClient, repository: string): Promise<RepositoryInfo> {
  const { owner, repo } = parseFullName(repository);
  const { data } = await client.request('GET /repos/{owner}/{repo}', { owner, repo, headers: API_VERSION_HEADERS });
  return toRepository(data as WireRepository);
}

/**
 * GitHub's "Get a commit" takes a branch name, a tag name or a commit sha as `ref` and answers the commit it
 * names now. The commit's changed files are paginated in that answer and none are needed: one is asked for.
 */
export async function resolveCommit(client: GitHubClient, repository: string, ref: string): Promise<CommitInfo> {
  const { owner, repo } = parseFullName(repository);
  const wanted = ref.trim();
  if (!wanted) throw new ForgeNotFoundError('No commit: the ref is empty');
  const { data } = await client.request('GET /repos/{owner}/{repo}/commits/{ref}', { owner, repo, ref: wanted, per_page: 1, headers: API_VERSION_HEADERS });
  return toCommit(data as WireCommit);
}

/**
 * The repository's clone URL as GitHub reports it, and an installation token for git (HTTP Basic,
 * `x-access-token`). The URL must be on the configured GitHub's own origin (its web or API origin): a clone
 * URL elsewhere (an Enterprise Server whose hostname setting names another host, or a tampered answer) would
 * receive the token, so it is refused. The token comes from auth-app's cache, replaced by a fresh one when it
 * would expire within MIN_GIT_TOKEN_LIFETIME_MS.
 */
export async function sourceAccess(client: GitHubClient, settings: ResolvedGitHubSettings, repository: string): Promise<SourceAccess> {
  const { cloneUrl, fullName } = await getRepository(client, repository);
  let url: URL;
  try {
    url = new URL(cloneUrl);
  } catch {
    throw new ForgeMisconfiguredError(`GitHub reported a clone URL for ${fullName} that is not a URL`, 'githubUrl');
  }
  const allowed = [settings.webOrigin, new URL(settings.apiBaseUrl).origin];
  if (!allowed.includes(url.origin) || url.username || url.password) {
    throw new ForgeMisconfiguredError(
      `GitHub reported the clone URL of ${fullName} on ${url.origin}, not on the configured GitHub (${settings.webOrigin}); the installation token is not sent there. Check the provider's githubUrl against the Enterprise Server's hostname setting`,
      'githubUrl',
    );
  }
  type TokenAuthentication = { token: string; expiresAt: string };
  let auth = (await client.auth({ type: 'installation' })) as TokenAuthentication;
  if (Date.parse(auth.expiresAt) - Date.now() < MIN_GIT_TOKEN_LIFETIME_MS) {
    auth = (await client.auth({ type: 'installation', refresh: true })) as TokenAuthentication;
  }
  return { cloneUrl: url.href, username: GIT_USERNAME, password: auth.token };
}
