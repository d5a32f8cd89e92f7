import { ForgeMisconfiguredError } from '../errors.js';
import type { ForgeHttp } from '../http/forge-http.js';
import { refreshWithReason, tokenEndpoint, type OAuthTokens } from '../http/oauth-token.js';

export interface GiteaRefreshRequest {
  /** giteaInternalUrl when set, else giteaUrl (Gitea's ROOT_URL, possibly under a path). */
  baseUrl: string;
  clientId: string | null;
  clientSecret: string | null;
  refreshToken: string;
}

/**
 * `POST /login/oauth/access_token` with `grant_type=refresh_token`. Gitea answers a new refresh token every
 * time (the old one stays usable unless INVALIDATE_REFRESH_TOKENS is on); the new one is always kept.
 * Refusals (`invalid_grant`, or `unauthorized_client` "token was already used") become
 * ForgeReauthorizationRequiredError with Gitea's description, scrubbed. Made once, never retried.
 */
export async function refreshGiteaTokens(http: ForgeHttp, request: GiteaRefreshRequest): Promise<OAuthTokens> {
  const { forgeName, url } = tokenEndpoint(request.baseUrl, '/login/oauth/access_token', 'Gitea', 'giteaUrl');
  if (!request.clientId) throw new ForgeMisconfiguredError('The Gitea provider has no clientId, so its token cannot be refreshed', 'clientId');
  if (!request.clientSecret) throw new ForgeMisconfiguredError('The Gitea provider has no clientSecret, so its token cannot be refreshed', 'clientSecret');
  return refreshWithReason(
    http,
    forgeName,
    url,
    { grant_type: 'refresh_token', refresh_token: request.refreshToken, client_id: request.clientId, client_secret: request.clientSecret },
    [request.refreshToken, request.clientSecret],
  );
}
