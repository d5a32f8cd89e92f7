import { ForgeAuthFailedError, ForgeMisconfiguredError, ForgeRateLimitedError, ForgeReauthorizationRequiredError, ForgeUnreachableError } from '../errors.js';
import { forgeErrorFromFailure, rateLimitFromHeaders } from './failures.js';
import type { FetchFn, ForgeHttp } from './forge-http.js';

/**
 * RFC 6749 token endpoints (GitLab's Doorkeeper `/oauth/token`, Gitea's `/login/oauth/access_token`) and
 * RFC 7009 revocation: form-encoded POSTs whose answers become tokens or typed ForgeErrors. Nothing here
 * copies a forge body or a request into an error message: those carry codes, secrets and tokens.
 */
export interface OAuthTokens {
  accessToken: string;
  /** null when the forge sent none. */
  refreshToken: string | null;
  /** From `expires_in`, on this service's clock; null when the forge sent no lifetime. */
  expiresAt: Date | null;
}

/** The RFC 6749 §5.2 error codes a token endpoint may answer with; anything else is reported as `other`. */
export type OAuthErrorCode = 'invalid_grant' | 'invalid_client' | 'unauthorized_client' | 'invalid_request' | 'unsupported_grant_type' | 'invalid_scope' | 'other';

const KNOWN: ReadonlySet<string> = new Set(['invalid_grant', 'invalid_client', 'unauthorized_client', 'invalid_request', 'unsupported_grant_type', 'invalid_scope']);

/**
 * The forge refused a grant or the client: `invalid_grant` (the code or refresh token is invalid, expired, used or
 * revoked: the user has to authorize again), `invalid_client` (wrong application id or secret), … .
 */
export class OAuthGrantRefusedError extends ForgeAuthFailedError {
  constructor(
    readonly oauthError: OAuthErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'OAuthGrantRefusedError';
  }
}

/** POSTs a token request and returns the tokens, or throws a typed ForgeError. */
export async function requestOAuthTokens(fetchFn: FetchFn, forge: string, url: string, params: Record<string, string>): Promise<OAuthTokens> {
  const response = await post(fetchFn, forge, url, params);
  const body = await readJson(response);
  if (response.ok) {
    const accessToken = typeof body?.access_token === 'string' && body.access_token ? body.access_token : null;
    if (!accessToken) throw new ForgeUnreachableError(`${forge} answered the token request without an access token`);
    const refreshToken = typeof body?.refresh_token === 'string' && body.refresh_token ? body.refresh_token : null;
    const expiresIn = typeof body?.expires_in === 'number' && Number.isFinite(body.expires_in) && body.expires_in > 0 ? body.expires_in : null;
    return { accessToken, refreshToken, expiresAt: expiresIn === null ? null : new Date(Date.now() + expiresIn * 1000) };
  }
  throw refusal(forge, response, body);
}

/** The RFC 6749 authorization_code grant with PKCE, as GitLab and Gitea take it at their token endpoints. */
export function exchangeAuthorizationCode(
  fetchFn: FetchFn,
  forge: string,
  tokenUrl: string,
  client: { clientId: string; clientSecret: string },
  grant: { code: string; redirectUri: string; codeVerifier: string },
): Promise<OAuthTokens> {
  return requestOAuthTokens(fetchFn, forge, tokenUrl, {
    grant_type: 'authorization_code',
    client_id: client.clientId,
    client_secret: client.clientSecret,
    code: grant.code,
    redirect_uri: grant.redirectUri,
    code_verifier: grant.codeVerifier,
  });
}

/** RFC 7009 revocation: resolves when the forge answered 200, throws a typed ForgeError otherwise. */
export async function revokeOAuthToken(fetchFn: FetchFn, forge: string, url: string, params: Record<string, string>): Promise<void> {
  const response = await post(fetchFn, forge, url, params);
  const body = await readJson(response);
  if (!response.ok) throw refusal(forge, response, body);
}

async function post(fetchFn: FetchFn, forge: string, url: string, params: Record<string, string>): Promise<Response> {
  try {
    return await fetchFn(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams(params).toString(),
      redirect: 'manual',
    });
  } catch (error) {
    throw forgeErrorFromFailure(error, forge);
  }
}

async function readJson(response: Response): Promise<Record<string, unknown> | null> {
  try {
    const text = await response.text();
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function refusal(forge: string, response: Response, body: Record<string, unknown> | null) {
  if (response.status === 429) {
    const { resetAt } = rateLimitFromHeaders(response.headers);
    return new ForgeRateLimitedError(`${forge} is rate limiting the token endpoint`, resetAt);
  }
  if ((response.status === 400 || response.status === 401 || response.status === 403) && typeof body?.error === 'string') {
    const code = (KNOWN.has(body.error) ? body.error : 'other') as OAuthErrorCode;
    return new OAuthGrantRefusedError(code, refusalMessage(forge, code));
  }
  return new ForgeUnreachableError(`${forge} answered the OAuth request with HTTP ${response.status}`);
}

function refusalMessage(forge: string, code: OAuthErrorCode): string {
  switch (code) {
    case 'invalid_grant':
      return `${forge} refused the grant (invalid_grant): the code or refresh token is invalid, expired, already used or revoked; authorize the provider again`;
    case 'invalid_client':
      return `${forge} refused the OAuth application's credentials (invalid_client): check the provider's application id and secret`;
    case 'unauthorized_client':
      return `${forge} refused the grant (unauthorized_client): the token was already used or the application may not use this grant; authorize the provider again`;
    case 'other':
      return `${forge} refused the OAuth request`;
    default:
      return `${forge} refused the OAuth request (${code})`;
  }
}

/** The token endpoint on a forge base URL (kept under a path prefix), and how errors name the forge. */
export function tokenEndpoint(baseUrl: string, path: string, forge: string, urlField: string): { forgeName: string; url: string } {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new ForgeMisconfiguredError(`The ${forge} provider’s URL is not a URL`, urlField);
  }
  return { forgeName: `${forge} (${url.host})`, url: `${url.origin}${url.pathname.replace(/\/+$/, '')}${path}` };
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
