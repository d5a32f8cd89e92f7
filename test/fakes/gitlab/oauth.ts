import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FakeRequest, FakeResponse } from '../fake-server.js';
import type { FakeUser } from './data.js';

/**
 * GitLab's OAuth 2 provider (Doorkeeper; ../shared/contracts README "OAuth", doc/api/oauth2.md) for FakeGitLab:
 * registered applications, `GET /oauth/authorize` (auto-approved as the fake's main user: a 302 to the
 * redirect_uri with `code` and `state`), `POST /oauth/token` with authorization_code (single-use codes valid
 * 10 minutes, PKCE S256, the same redirect_uri) and refresh_token (rotation: the old access AND refresh token
 * stop working; reuse is 400 invalid_grant), and `POST /oauth/revoke` (200 `{}`). Access tokens are the fake's
 * ordinary OAuth tokens (2 h on its clock), so its API accepts them.
 */
export interface GitLabOAuthApplication {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  /** Scopes the application was registered with; a request for others is `invalid_scope`. */
  scopes: string[];
}

/** What the fake needs from FakeGitLab. */
export interface GitLabOAuthHost {
  now(): Date;
  mainUser(): FakeUser;
  issueToken(options: { scopes: string[]; kind: 'oauth'; user: FakeUser }): string;
  revokeToken(value: string): void;
}

interface AuthorizationCode {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  scopes: string[];
  user: FakeUser;
  issuedAt: Date;
  used: boolean;
}

/** One Doorkeeper access token row: the access token and its refresh token are revoked together. */
interface Grant {
  clientId: string;
  redirectUri: string;
  scopes: string[];
  user: FakeUser;
  accessToken: string;
  refreshToken: string;
  revoked: boolean;
}

export const CODE_LIFETIME_MS = 10 * 60 * 1000;
const SCOPES = new Set(['api', 'read_api', 'read_user', 'read_repository', 'write_repository', 'openid', 'profile', 'email']);
const JSON_TYPE = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };
const INVALID_GRANT =
  'The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.';
const INVALID_CLIENT = 'Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.';

export class GitLabOAuth {
  readonly applications = new Map<string, GitLabOAuthApplication>();
  /** Every authorize request's query, in order (for parameter-name assertions). */
  readonly authorizeRequests: URLSearchParams[] = [];
  /** refresh_token grants served successfully. */
  refreshCount = 0;
  /** authorization_code grants served successfully. */
  codeExchangeCount = 0;
  /** Tokens revoked through POST /oauth/revoke. */
  readonly revokedTokens: string[] = [];
  private readonly codes = new Map<string, AuthorizationCode>();
  private readonly grantsByRefresh = new Map<string, Grant>();
  private readonly grantsByAccess = new Map<string, Grant>();
  private denyNextAuthorization = false;

  constructor(private readonly host: GitLabOAuthHost) {}

  /** Registers an application (Admin > Applications); ids and secret are random unless given. */
  registerApplication(options: { redirectUri: string; clientId?: string; clientSecret?: string; scopes?: string[] }): GitLabOAuthApplication {
    const app = {
      clientId: options.clientId ?? randomBytes(32).toString('hex'),
      clientSecret: options.clientSecret ?? `gloas-${randomBytes(32).toString('hex')}`,
      redirectUri: options.redirectUri,
      scopes: options.scopes ?? ['api', 'read_api', 'read_user', 'read_repository'],
    };
    this.applications.set(app.clientId, app);
    return app;
  }

  /** The next authorize request is denied by the user: a redirect with `error=access_denied`. */
  denyNext(): void {
    this.denyNextAuthorization = true;
  }

  /** Whether a refresh token still works (not rotated away, revoked or unknown). */
  isRefreshTokenValid(refreshToken: string): boolean {
    const grant = this.grantsByRefresh.get(refreshToken);
    return !!grant && !grant.revoked;
  }

  /** Answers the OAuth routes; null for any other path. */
  handle(request: FakeRequest): FakeResponse | null {
    const path = request.url.pathname.replace(/\/+$/, '');
    if (path === '/oauth/authorize' && request.method === 'GET') return this.authorize(request.url.searchParams);
    if (path === '/oauth/token' && request.method === 'POST') return this.token(request);
    if (path === '/oauth/revoke' && request.method === 'POST') return this.revoke(request);
    return null;
  }

  private authorize(query: URLSearchParams): FakeResponse {
    this.authorizeRequests.push(new URLSearchParams(query));
    const app = this.applications.get(query.get('client_id') ?? '');
    const redirectUri = query.get('redirect_uri');
    // Doorkeeper shows an error page (it never redirects to an unregistered URI).
    if (!app) return errorPage('Client authentication failed due to unknown client.');
    if (!redirectUri || redirectUri !== app.redirectUri) return errorPage('The redirect uri included is not valid.');
    const state = query.get('state');
    const back = (params: Record<string, string>) => {
      const location = new URL(redirectUri);
      for (const [key, value] of Object.entries(params)) location.searchParams.set(key, value);
      if (state !== null) location.searchParams.set('state', state);
      return { status: 302, headers: { location: location.toString() } };
    };
    if (query.get('response_type') !== 'code') return back({ error: 'unsupported_response_type', error_description: 'The authorization server does not support this response type.' });
    const challenge = query.get('code_challenge');
    if (!challenge || query.get('code_challenge_method') !== 'S256' || !/^[A-Za-z0-9_-]{43}$/.test(challenge)) {
      return back({ error: 'invalid_request', error_description: 'Code challenge is required (S256).' });
    }
    if (query.has('scopes') && !query.has('scope')) return back({ error: 'invalid_scope', error_description: 'The requested scope is invalid, unknown, or malformed.' });
    const scopes = (query.get('scope') ?? '').split(' ').filter(Boolean);
    if (scopes.length === 0 || scopes.some((scope) => !SCOPES.has(scope) || !app.scopes.includes(scope))) {
      return back({ error: 'invalid_scope', error_description: 'The requested scope is invalid, unknown, or malformed.' });
    }
    if (this.denyNextAuthorization) {
      this.denyNextAuthorization = false;
      return back({ error: 'access_denied', error_description: 'The resource owner or authorization server denied the request.' });
    }
    const code = randomBytes(32).toString('hex');
    this.codes.set(code, { clientId: app.clientId, redirectUri, codeChallenge: challenge, scopes, user: this.host.mainUser(), issuedAt: this.host.now(), used: false });
    return back({ code });
  }

  private token(request: FakeRequest): FakeResponse {
    const params = formOrJson(request);
    const app = this.client(request, params);
    if (!app) return json(401, { error: 'invalid_client', error_description: INVALID_CLIENT });
    const grantType = params.get('grant_type');
    if (grantType === 'authorization_code') return this.exchangeCode(app, params);
    if (grantType === 'refresh_token') return this.refresh(app, params);
    return json(400, { error: 'unsupported_grant_type', error_description: 'The authorization grant type is not supported by the authorization server.' });
  }

  private exchangeCode(app: GitLabOAuthApplication, params: URLSearchParams): FakeResponse {
    const code = this.codes.get(params.get('code') ?? '');
    const verifier = params.get('code_verifier');
    if (
      !code ||
      code.used ||
      code.clientId !== app.clientId ||
      this.host.now().getTime() - code.issuedAt.getTime() >= CODE_LIFETIME_MS ||
      params.get('redirect_uri') !== code.redirectUri ||
      !verifier ||
      !sameText(createHash('sha256').update(verifier).digest('base64url'), code.codeChallenge)
    ) {
      return json(400, { error: 'invalid_grant', error_description: INVALID_GRANT });
    }
    code.used = true;
    this.codeExchangeCount += 1;
    return this.issue({ clientId: app.clientId, redirectUri: code.redirectUri, scopes: code.scopes, user: code.user });
  }

  private refresh(app: GitLabOAuthApplication, params: URLSearchParams): FakeResponse {
    const grant = this.grantsByRefresh.get(params.get('refresh_token') ?? '');
    const redirectUri = params.get('redirect_uri');
    if (!grant || grant.revoked || grant.clientId !== app.clientId || (redirectUri !== null && redirectUri !== grant.redirectUri)) {
      return json(400, { error: 'invalid_grant', error_description: INVALID_GRANT });
    }
    // Rotation: the old pair stops working, the refresh token cannot be used again.
    grant.revoked = true;
    this.host.revokeToken(grant.accessToken);
    this.refreshCount += 1;
    return this.issue({ clientId: grant.clientId, redirectUri: grant.redirectUri, scopes: grant.scopes, user: grant.user });
  }

  private issue(grant: Omit<Grant, 'accessToken' | 'refreshToken' | 'revoked'>): FakeResponse {
    const accessToken = this.host.issueToken({ scopes: grant.scopes, kind: 'oauth', user: grant.user });
    const refreshToken = randomBytes(32).toString('hex');
    const row: Grant = { ...grant, accessToken, refreshToken, revoked: false };
    this.grantsByRefresh.set(refreshToken, row);
    this.grantsByAccess.set(accessToken, row);
    return json(200, {
      access_token: accessToken,
      token_type: 'bearer',
      expires_in: 7200,
      refresh_token: refreshToken,
      scope: grant.scopes.join(' '),
      created_at: Math.floor(this.host.now().getTime() / 1000),
    });
  }

  /** RFC 7009 (Doorkeeper): the token's whole row is revoked; an unknown token is still 200 `{}`. */
  private revoke(request: FakeRequest): FakeResponse {
    const params = formOrJson(request);
    const app = this.client(request, params);
    if (!app) return json(401, { error: 'invalid_client', error_description: INVALID_CLIENT });
    const token = params.get('token') ?? '';
    const grant = this.grantsByAccess.get(token) ?? this.grantsByRefresh.get(token);
    if (grant && grant.clientId === app.clientId) {
      grant.revoked = true;
      this.host.revokeToken(grant.accessToken);
      this.revokedTokens.push(token);
    }
    return json(200, {});
  }

  /** Client credentials from the body or HTTP Basic. */
  private client(request: FakeRequest, params: URLSearchParams): GitLabOAuthApplication | null {
    let id = params.get('client_id');
    let secret = params.get('client_secret');
    const basic = /^basic\s+(\S+)$/i.exec(String(request.headers.authorization ?? ''))?.[1];
    if (basic) [id, secret] = Buffer.from(basic, 'base64').toString('utf8').split(':').map(decodeURIComponent) as [string, string];
    const app = id ? this.applications.get(id) : undefined;
    return app && secret && sameText(secret, app.clientSecret) ? app : null;
  }
}

/** Doorkeeper takes form bodies and JSON. */
export function formOrJson(request: FakeRequest): URLSearchParams {
  if (String(request.headers['content-type'] ?? '').includes('application/json')) {
    try {
      const body = JSON.parse(request.body) as Record<string, unknown>;
      return new URLSearchParams(Object.entries(body).map(([k, v]) => [k, String(v)]));
    } catch {
      return new URLSearchParams();
    }
  }
  return new URLSearchParams(request.body);
}

function sameText(a: string, b: string): boolean {
  const [x, y] = [Buffer.from(a), Buffer.from(b)];
  return x.length === y.length && timingSafeEqual(x, y);
}

function json(status: number, body: unknown): FakeResponse {
  return { status, headers: JSON_TYPE, body };
}

function errorPage(message: string): FakeResponse {
  return { status: 400, headers: { 'content-type': 'text/html; charset=utf-8' }, body: `<!DOCTYPE html><html><body><h1>An error has occurred</h1><p>${message}</p></body></html>` };
}
