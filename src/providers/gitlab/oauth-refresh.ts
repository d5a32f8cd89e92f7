import { ForgeMisconfiguredError, ForgeReauthorizationRequiredError } from '../errors.js';
import type { ForgeHttp } from '../http/forge-http.js';
import { OAuthGrantRefusedError, requestOAuthTokens, type OAuthTokens } from '../http/oauth-token.js';

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
  const { forgeName, url } = endpoint(request.baseUrl, '/oauth/token');
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

/** The token endpoint on a forge base URL (kept under a path prefix), and how errors name the forge. */
function endpoint(baseUrl: string, path: string): { forgeName: string; url: string } {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new ForgeMisconfiguredError('The GitLab provider’s URL is not a URL', 'gitlabUrl');
  }
  return { forgeName: `GitLab (${url.host})`, url: `${url.origin}${url.pathname.replace(/\/+$/, '')}${path}` };
}

/**
 * requestOAuthTokens, keeping the refusal's `error_description` (the forge's reason) for the
 * re-authorization state: the response is cloned so the description can be read after the refusal.
 */
export async function refreshWithReason(http: ForgeHttp, forgeName: string, url: string, params: Record<string, string>, secrets: string[]): Promise<OAuthTokens> {
  const base = http.fetchFn({ retry: false });
  let answered: Response | undefined;
  const fetchFn = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const response = await base(input, init);
    answered = response.clone();
    return response;
  }) as typeof globalThis.fetch;
  try {
    return await requestOAuthTokens(fetchFn, forgeName, url, params);
  } catch (error) {
    if (error instanceof OAuthGrantRefusedError && (error.oauthError === 'invalid_grant' || error.oauthError === 'unauthorized_client')) {
      throw new ForgeReauthorizationRequiredError(forgeName, await refusalReason(answered, error.oauthError, secrets));
    }
    throw error;
  }
}

async function refusalReason(response: Response | undefined, code: string, secrets: string[]): Promise<string> {
  let description: string | null = null;
  try {
    const body = (await response?.json()) as { error_description?: unknown } | null | undefined;
    if (body && typeof body.error_description === 'string') description = body.error_description;
  } catch {
    // No JSON: the code alone is the reason.
  }
  if (!description) return code;
  for (const secret of secrets) if (secret) description = description.split(secret).join('[redacted]');
  description = description.replace(/\s+/g, ' ').trim();
  return `${code}: ${description.length > 300 ? `${description.slice(0, 300)}…` : description}`;
}
