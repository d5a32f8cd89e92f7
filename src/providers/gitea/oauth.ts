import type { FetchFn } from '../http/forge-http.js';
import { exchangeAuthorizationCode, type OAuthTokens } from '../http/oauth-token.js';

/**
 * Gitea's OAuth 2 provider (routers/web/auth/oauth2_provider.go): the browser goes to
 * `GET /login/oauth/authorize`, codes and refresh tokens are exchanged at `POST /login/oauth/access_token`
 * (form or JSON; every error is HTTP 400 with an RFC 6749 body). Each refresh mints a new refresh token;
 * the old one keeps working unless the instance sets `[oauth2] INVALIDATE_REFRESH_TOKENS`. Access tokens
 * last 1 h. Gitea has no token revocation endpoint.
 */
export const GITEA_SUPPORTS_REVOCATION = false;

const base = (url: string) => url.replace(/\/+$/, '');

/** Where the browser authorizes the application, on the public Gitea URL; `scopes` is the provider's comma-separated list. */
export function giteaAuthorizeUrl(
  giteaUrl: string,
  options: { clientId: string; redirectUri: string; state: string; codeChallenge: string; scopes: string },
): string {
  const url = new URL(`${base(giteaUrl)}/login/oauth/authorize`);
  url.search = new URLSearchParams({
    client_id: options.clientId,
    redirect_uri: options.redirectUri,
    response_type: 'code',
    state: options.state,
    // RFC 6749 §3.3: one parameter, scopes separated by spaces.
    scope: options.scopes.split(',').map((s) => s.trim()).filter(Boolean).join(' '),
    code_challenge: options.codeChallenge,
    code_challenge_method: 'S256',
  }).toString();
  return url.toString();
}

export interface GiteaClient {
  /** giteaInternalUrl when set, else giteaUrl. */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
}

export function exchangeGiteaCode(
  fetchFn: FetchFn,
  client: GiteaClient,
  grant: { code: string; redirectUri: string; codeVerifier: string },
): Promise<OAuthTokens> {
  return exchangeAuthorizationCode(fetchFn, 'Gitea', `${base(client.baseUrl)}/login/oauth/access_token`, client, grant);
}

