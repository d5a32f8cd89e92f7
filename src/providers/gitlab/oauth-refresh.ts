import { ForgeMisconfiguredError } from '../errors.js';
import type { ForgeHttp } from '../http/forge-http.js';
import { refreshWithReason, tokenEndpoint, type OAuthTokens } from '../http/oauth-token.js';

export interface GitLabRefreshRequest {
  /** gitlabInternalUrl when set, else gitlabUrl: the token endpoint is at the host root, not under /api/v4. */
  baseUrl: string;
  /** The OAuth application's id (the provider's applicationId) and secret. */
  clientId: string | null;
  clientSecret: string | null;
  /** Must be the redirect URI the grant was issued for (GitLab checks it on refresh too). */
  redirectUri: string | null;
  refreshToken: string;
}

/**
 * `POST /oauth/token` with `grant_type=refresh_token`. GitLab rotates: the answer's refresh token replaces the
 * one sent, which is dead from now on (so is the old access token). A refusal (`invalid_grant`: revoked,
 * already used, expired) becomes ForgeReauthorizationRequiredError with GitLab's description, scrubbed of the
 * values sent; nothing else of the body or request travels. Made once, never retried: a retried refresh
 * could spend the new refresh token.
 */
export async function refreshGitLabTokens(http: ForgeHttp, request: GitLabRefreshRequest): Promise<OAuthTokens> {
  const { forgeName, url } = tokenEndpoint(request.baseUrl, '/oauth/token', 'GitLab', 'gitlabUrl');
  if (!request.clientId) throw new ForgeMisconfiguredError('The GitLab provider has no applicationId, so its token cannot be refreshed', 'applicationId');
  if (!request.clientSecret) throw new ForgeMisconfiguredError('The GitLab provider has no application secret, so its token cannot be refreshed', 'secret');
  const params: Record<string, string> = {
    grant_type: 'refresh_token',
    refresh_token: request.refreshToken,
    client_id: request.clientId,
    client_secret: request.clientSecret,
  };
  if (request.redirectUri) params.redirect_uri = request.redirectUri;
  return refreshWithReason(http, forgeName, url, params, [request.refreshToken, request.clientSecret]);
}
