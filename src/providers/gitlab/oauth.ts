import type { FetchFn } from '../http/forge-http.js';
import { exchangeAuthorizationCode, revokeOAuthToken, type OAuthTokens } from '../http/oauth-token.js';

/**
 * GitLab's OAuth 2 endpoints (Doorkeeper, at the host root, not under /api/v4; doc/api/oauth2.md):
 * the browser goes to `GET /oauth/authorize`, the code is exchanged at `POST /oauth/token`
 * (authorization_code + PKCE), tokens are refreshed there too (refresh_token; GitLab rotates: the old
 * access and refresh token stop working) and revoked at `POST /oauth/revoke` (200 `{}`).
 */

/**
 * Listing projects and branches and cloning need read_api and read_repository; posting a deployment's commit
 * status is a write, which GitLab allows only with `api` (it includes read_api).
 */
export const GITLAB_OAUTH_SCOPES = ['api', 'read_repository', 'read_user'] as const;

const base = (url: string) => url.replace(/\/+$/, '');

/** Where the browser authorizes the application: on the public GitLab URL (the user's side, never the internal one). */
export function gitLabAuthorizeUrl(
  gitlabUrl: string,
  options: { clientId: string; redirectUri: string; state: string; codeChallenge: string },
): string {
  const url = new URL(`${base(gitlabUrl)}/oauth/authorize`);
  url.search = new URLSearchParams({
    client_id: options.clientId,
    redirect_uri: options.redirectUri,
    response_type: 'code',
    state: options.state,
    // GitLab's parameter is `scope` (space-separated), not `scopes`.
    scope: GITLAB_OAUTH_SCOPES.join(' '),
    code_challenge: options.codeChallenge,
    code_challenge_method: 'S256',
  }).toString();
  return url.toString();
}

export interface GitLabClient {
  /** gitlabInternalUrl when set, else gitlabUrl: server-to-server calls. */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
}

/** authorization_code: the code from the callback, the redirect_uri sent to /oauth/authorize and the PKCE verifier. */
export function exchangeGitLabCode(
  fetchFn: FetchFn,
  client: GitLabClient,
  grant: { code: string; redirectUri: string; codeVerifier: string },
): Promise<OAuthTokens> {
  return exchangeAuthorizationCode(fetchFn, 'GitLab', `${base(client.baseUrl)}/oauth/token`, client, grant);
}

/** RFC 7009 revocation of an access or refresh token (GitLab answers 200 `{}`, also for a token it does not know). */
export function revokeGitLabToken(fetchFn: FetchFn, client: GitLabClient, token: string): Promise<void> {
  return revokeOAuthToken(fetchFn, 'GitLab', `${base(client.baseUrl)}/oauth/revoke`, {
    client_id: client.clientId,
    client_secret: client.clientSecret,
    token,
  });
}
