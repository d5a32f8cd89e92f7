import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FakeRequest, FakeResponse } from '../fake-server.js';

/**
 * Gitea's OAuth 2 provider (routers/web/auth/oauth2_provider.go; ../shared/contracts README "OAuth2 provider")
 * for FakeGitea: registered applications, `GET /login/oauth/authorize` (auto-approved as the seeded user: a 302
 * to the redirect_uri with `code` and `state`), and `POST /login/oauth/access_token` (form or JSON) with
 * authorization_code (single-use codes valid 10 minutes, PKCE S256, the same redirect_uri) and refresh_token:
 * every refresh mints a new refresh token and the old one keeps working unless `invalidateRefreshTokens`
 * (`[oauth2] INVALIDATE_REFRESH_TOKENS`) is on, when reuse is 400 `unauthorized_client` "token was already
 * used". Access tokens last 1 h on this module's clock; all token-endpoint errors are HTTP 400. Gitea has no
 * revocation endpoint.
 */
export interface GiteaOAuthApplication {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

export interface GiteaOAuthHost {
  login(): string;
  issueToken(token: string, options: { login: string }): string;
}

interface AuthorizationCode {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  scopes: string[];
  login: string;
  issuedAt: number;
  used: boolean;
}

/** An OAuth grant: the refresh-token counter Gitea keeps on it. */
interface Grant {
  clientId: string;
  login: string;
  scopes: string[];
  counter: number;
}

export const ACCESS_TOKEN_LIFETIME_SECONDS = 3600;
export const REFRESH_TOKEN_LIFETIME_MS = 730 * 3600 * 1000;
export const CODE_LIFETIME_MS = 10 * 60 * 1000;
const JSON_TYPE = { 'content-type': 'application/json;charset=utf-8' };

export class GiteaOAuth {
  readonly applications = new Map<string, GiteaOAuthApplication>();
  readonly authorizeRequests: URLSearchParams[] = [];
  /** refresh_token grants served successfully. */
  refreshCount = 0;
  codeExchangeCount = 0;
  /** `[oauth2] INVALIDATE_REFRESH_TOKENS`: off by default, as in Gitea. */
  invalidateRefreshTokens = false;
  private clockOffsetMs = 0;
  private readonly codes = new Map<string, AuthorizationCode>();
  private readonly refreshTokens = new Map<string, { grant: Grant; counter: number; issuedAt: number }>();
  private readonly accessTokens = new Map<string, number>();
  private denyNextAuthorization = false;

  constructor(private readonly host: GiteaOAuthHost) {}

  now(): Date {
    return new Date(Date.now() + this.clockOffsetMs);
  }

  advanceClock(ms: number): void {
    this.clockOffsetMs += ms;
  }

  registerApplication(options: { redirectUri: string; clientId?: string; clientSecret?: string }): GiteaOAuthApplication {
    const app = {
      clientId: options.clientId ?? randomUUIDLike(),
      clientSecret: options.clientSecret ?? `gto_${randomBytes(26).toString('hex')}`,
      redirectUri: options.redirectUri,
    };
    this.applications.set(app.clientId, app);
    return app;
  }

  denyNext(): void {
    this.denyNextAuthorization = true;
  }

  /** Whether an access token this module issued has expired (1 h); false for tokens it did not issue. */
  isExpired(token: string): boolean {
    const issuedAt = this.accessTokens.get(token);
    return issuedAt !== undefined && this.now().getTime() >= issuedAt + ACCESS_TOKEN_LIFETIME_SECONDS * 1000;
  }

  handle(request: FakeRequest): FakeResponse | null {
    const path = request.url.pathname.replace(/\/+$/, '');
    if (path === '/login/oauth/authorize' && request.method === 'GET') return this.authorize(request.url.searchParams);
    if (path === '/login/oauth/access_token' && request.method === 'POST') return this.token(request);
    return null;
  }

  private authorize(query: URLSearchParams): FakeResponse {
    this.authorizeRequests.push(new URLSearchParams(query));
    const app = this.applications.get(query.get('client_id') ?? '');
    const redirectUri = query.get('redirect_uri');
    if (!app) return errorPage('Client ID not registered');
    if (!redirectUri || redirectUri !== app.redirectUri) return errorPage('Unregistered Redirect URI');
    const state = query.get('state');
    const back = (params: Record<string, string>) => {
      const location = new URL(redirectUri);
      for (const [key, value] of Object.entries(params)) location.searchParams.set(key, value);
      if (state !== null) location.searchParams.set('state', state);
      return { status: 302, headers: { location: location.toString() } };
    };
    if (query.get('response_type') !== 'code') return back({ error: 'unsupported_response_type', error_description: 'Only code response type is supported.' });
    const challenge = query.get('code_challenge');
    if (!challenge || query.get('code_challenge_method') !== 'S256' || !/^[A-Za-z0-9_-]{43}$/.test(challenge)) {
      return back({ error: 'invalid_request', error_description: 'PKCE is required (code_challenge_method S256)' });
    }
    if (this.denyNextAuthorization) {
      this.denyNextAuthorization = false;
      return back({ error: 'access_denied', error_description: 'the request is denied' });
    }
    const code = randomBytes(24).toString('hex');
    const scopes = (query.get('scope') ?? '').split(/[\s,]+/).filter(Boolean);
    this.codes.set(code, { clientId: app.clientId, redirectUri, codeChallenge: challenge, scopes, login: this.host.login(), issuedAt: this.now().getTime(), used: false });
    return back({ code });
  }

  private token(request: FakeRequest): FakeResponse {
    const params = formOrJson(request);
    const app = this.client(request, params);
    if (!app) return error('invalid_client', 'cannot load client with client id');
    const grantType = params.get('grant_type');
    if (grantType === 'authorization_code') return this.exchangeCode(app, params);
    if (grantType === 'refresh_token') return this.refresh(app, params);
    return error('unsupported_grant_type', 'Only refresh_token or authorization_code grant type is supported');
  }

  private exchangeCode(app: GiteaOAuthApplication, params: URLSearchParams): FakeResponse {
    const code = this.codes.get(params.get('code') ?? '');
    if (!code || code.used || code.clientId !== app.clientId || this.now().getTime() - code.issuedAt >= CODE_LIFETIME_MS) {
      return error('invalid_grant', 'client is not authorized');
    }
    if (params.get('redirect_uri') !== code.redirectUri) return error('invalid_grant', 'unexpected redirect URI');
    const verifier = params.get('code_verifier');
    if (!verifier || !sameText(createHash('sha256').update(verifier).digest('base64url'), code.codeChallenge)) {
      return error('unauthorized_client', 'failed PKCE code challenge');
    }
    code.used = true;
    this.codeExchangeCount += 1;
    return this.issue({ clientId: app.clientId, login: code.login, scopes: code.scopes, counter: 1 });
  }

  private refresh(app: GiteaOAuthApplication, params: URLSearchParams): FakeResponse {
    const entry = this.refreshTokens.get(params.get('refresh_token') ?? '');
    if (!entry || entry.grant.clientId !== app.clientId || this.now().getTime() - entry.issuedAt >= REFRESH_TOKEN_LIFETIME_MS) {
      return error('invalid_grant', 'unable to parse refresh token');
    }
    if (this.invalidateRefreshTokens && entry.counter !== entry.grant.counter) return error('unauthorized_client', 'token was already used');
    entry.grant.counter += 1;
    this.refreshCount += 1;
    return this.issue(entry.grant);
  }

  private issue(grant: Grant): FakeResponse {
    const accessToken = this.host.issueToken(`gta_${randomBytes(20).toString('hex')}`, { login: grant.login });
    this.accessTokens.set(accessToken, this.now().getTime());
    const refreshToken = `gtr_${randomBytes(32).toString('hex')}`;
    this.refreshTokens.set(refreshToken, { grant, counter: grant.counter, issuedAt: this.now().getTime() });
    return { status: 200, headers: JSON_TYPE, body: { access_token: accessToken, token_type: 'bearer', expires_in: ACCESS_TOKEN_LIFETIME_SECONDS, refresh_token: refreshToken } };
  }

  private client(request: FakeRequest, params: URLSearchParams): GiteaOAuthApplication | null {
    let id = params.get('client_id');
    let secret = params.get('client_secret');
    const basic = /^basic\s+(\S+)$/i.exec(String(request.headers.authorization ?? ''))?.[1];
    if (basic) [id, secret] = Buffer.from(basic, 'base64').toString('utf8').split(':').map(decodeURIComponent) as [string, string];
    const app = id ? this.applications.get(id) : undefined;
    return app && secret && sameText(secret, app.clientSecret) ? app : null;
  }
}

function formOrJson(request: FakeRequest): URLSearchParams {
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

/** Every token-endpoint error is HTTP 400 with an RFC 6749 body. */
function error(code: string, description: string): FakeResponse {
  return { status: 400, headers: JSON_TYPE, body: { error: code, error_description: description } };
}

function errorPage(message: string): FakeResponse {
  return { status: 400, headers: { 'content-type': 'text/html; charset=utf-8' }, body: `<!DOCTYPE html><html><body><p>${message}</p></body></html>` };
}

function randomUUIDLike(): string {
  const hex = randomBytes(16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
