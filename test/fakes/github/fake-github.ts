import { createHash, createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import { FakeForge, type FakeRequest, type FakeResponse } from '../fake-server.js';
import {
  accessTokenBody,
  appBody,
  branchBody,
  errorBody,
  fullRepositoryBody,
  installationBody,
  installationRepositoriesBody,
  installationRepositoryBody,
  rateLimitBody,
  type Account,
  type AppRecord,
  type BranchRecord,
  type FakeBase,
  type InstallationRecord,
  type RepositoryRecord,
} from './bodies.js';
import { jwtProblem, JWT_MESSAGES } from './jwt.js';

export interface FakeGitHubOptions {
  appId: number;
  clientId: string;
  /** The App's public key (PEM or KeyObject): App JWTs must verify with it. */
  publicKey: string | KeyObject;
  installationId: number;
  account?: Account;
  slug?: string;
  /** What the App asks for. */
  appPermissions?: Record<string, string>;
  /** What the installation granted (defaults to the App's). */
  installationPermissions?: Record<string, string>;
}

export interface SeedOptions {
  /** Generated repositories of the installation's account, in id order: `${word}-${nnn}`. */
  repositories: number;
  branchesPerRepo?: number;
  /** Appended after the generated ones, with their own branch counts. */
  extraRepositories?: { name: string; branches: number; defaultBranch?: string; isPrivate?: boolean }[];
}

const MAX_PER_PAGE = 100;
const DEFAULT_PER_PAGE = 30;
const TOKEN_LIFETIME_MS = 60 * 60 * 1000;
const RATE_WINDOW_MS = 60 * 60 * 1000;
const WORDS = ['api', 'web', 'billing', 'infra', 'docs', 'mobile', 'data'];
const PRIMARY_DOCS = 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api';

interface RateBucket {
  limit: number;
  used: number;
  resetAt: number;
}

interface IssuedToken {
  installationId: number;
  expiresAt: number;
}

/**
 * A fake GitHub (Enterprise Server layout: API under /api/v3) for one App and one installation, following
 * ../shared/contracts (README §1 and §5): App JWTs verified with the App's public key against the fake's
 * clock, installation tokens that expire after an hour of that clock, a `Date` header from that clock (auth-app
 * corrects its JWTs with it), x-ratelimit-* on every response, primary (403/429, remaining 0) and secondary
 * (403 + retry-after) limits, `Link` pagination with absolute URLs, per_page capped at 100, ETag and 304.
 */
export class FakeGitHub extends FakeForge {
  readonly app: AppRecord;
  readonly installation: InstallationRecord;
  /** Every installation token minted (for secret canaries). */
  readonly issuedTokens: string[] = [];
  private readonly publicKey: KeyObject;
  private readonly tokens = new Map<string, IssuedToken>();
  private readonly rate = new Map<string, RateBucket>();
  private repositories: RepositoryRecord[] = [];
  private clockOffsetMs = 0;
  private primaryLimitStatus = 403;
  private secondary: { remaining: number; retryAfter: number | null; status: number } = { remaining: 0, retryAfter: null, status: 403 };

  constructor(options: FakeGitHubOptions) {
    super();
    const account = options.account ?? { login: 'acme', id: 4242, type: 'Organization' as const };
    const appPermissions = options.appPermissions ?? { metadata: 'read', contents: 'read' };
    this.publicKey = typeof options.publicKey === 'string' ? createPublicKey(options.publicKey) : options.publicKey;
    this.app = { id: options.appId, clientId: options.clientId, slug: options.slug ?? 'forgegraph-test', name: 'Forgegraph Test', permissions: appPermissions };
    this.installation = { id: options.installationId, account, permissions: options.installationPermissions ?? appPermissions, suspendedAt: null };
  }

  get apiUrl(): string {
    return `${this.server.url}/api/v3`;
  }

  /** Requests to an API path (without /api/v3), optionally of one method. */
  requestsTo(path: string | RegExp, method = 'GET'): FakeRequest[] {
    return this.server.requests.filter((r) => r.method === method && (typeof path === 'string' ? apiPath(r.url) === path : path.test(apiPath(r.url))));
  }

  // ---- data -------------------------------------------------------------------------------------

  seed(options: SeedOptions): RepositoryRecord[] {
    const owner = this.installation.account;
    const base = Date.UTC(2024, 0, 1);
    const make = (index: number, name: string, branches: number, defaultBranch: string, isPrivate: boolean): RepositoryRecord => {
      const repository: RepositoryRecord = {
        id: 100_000 + index,
        owner,
        name,
        isPrivate,
        defaultBranch,
        createdAt: iso(base + index * 3_600_000),
        updatedAt: iso(base + index * 3_600_000 + 60_000),
        pushedAt: iso(base + index * 3_600_000 + 120_000),
        branches: [],
      };
      repository.branches = makeBranches(`${owner.login}/${name}`, branches, defaultBranch);
      return repository;
    };
    const generated = Array.from({ length: options.repositories }, (_, i) =>
      make(i, `${WORDS[i % WORDS.length]}-${String(i).padStart(3, '0')}`, options.branchesPerRepo ?? 3, i % 10 === 7 ? 'master' : 'main', i % 3 === 0),
    );
    const extra = (options.extraRepositories ?? []).map((r, j) => make(options.repositories + j, r.name, r.branches, r.defaultBranch ?? 'main', r.isPrivate ?? false));
    this.repositories = [...generated, ...extra];
    return this.repositories;
  }

  /** The seeded repositories, in the order GitHub lists them for the installation. */
  get seeded(): readonly RepositoryRecord[] {
    return this.repositories;
  }

  // ---- switches ---------------------------------------------------------------------------------

  /** The fake's clock runs this much ahead of the host's (tokens expire by it; Date headers show it). */
  advanceClock(ms: number): void {
    this.clockOffsetMs += ms;
  }

  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  suspendInstallation(): void {
    this.installation.suspendedAt = iso(this.now());
  }

  /** Every token minted so far stops working (401 Bad credentials). */
  revokeTokens(): void {
    this.tokens.clear();
  }

  /** The installation's primary limit is spent until its window resets (an hour of the fake's clock at most). */
  exhaustRateLimit(status: 403 | 429 = 403): void {
    const bucket = this.bucket(`installation:${this.installation.id}`);
    bucket.used = bucket.limit;
    this.primaryLimitStatus = status;
  }

  /** The primary limit back to a fresh window. */
  resetRateLimit(): void {
    this.rate.clear();
    this.primaryLimitStatus = 403;
  }

  /** The next `count` authenticated requests hit the secondary limit. */
  secondaryRateLimitNext(count: number, options: { retryAfter?: number | null; status?: 403 | 429 } = {}): void {
    this.secondary = { remaining: count, retryAfter: options.retryAfter === undefined ? 60 : options.retryAfter, status: options.status ?? 403 };
  }

  /** The installation's current primary limit, as the x-ratelimit-* headers say it. */
  rateLimit(): { limit: number; remaining: number; used: number; reset: number } {
    const bucket = this.bucket(`installation:${this.installation.id}`);
    return { limit: bucket.limit, remaining: Math.max(0, bucket.limit - bucket.used), used: bucket.used, reset: Math.floor(bucket.resetAt / 1000) };
  }

  // ---- the forge --------------------------------------------------------------------------------

  private get base(): FakeBase {
    return { web: this.server.url, api: this.apiUrl, host: new URL(this.server.url).host };
  }

  protected handle(request: FakeRequest): FakeResponse {
    const headers: Record<string, string> = { date: new Date(this.now()).toUTCString(), 'x-github-media-type': 'github.v3; format=json' };
    const path = apiPath(request.url);
    if (!request.url.pathname.startsWith('/api/v3/')) return { status: 404, headers, body: errorBody('404_not_found') };
    if (!request.headers['user-agent']) {
      return { status: 403, headers: { ...headers, 'content-type': 'text/plain' }, body: 'Request forbidden by administrative rules. Please make sure your request has a User-Agent header (https://docs.github.com/en/rest/overview/resources-in-the-rest-api#user-agent-required).' };
    }

    const auth = /^(bearer|token)\s+(\S+)$/i.exec(request.headers.authorization ?? '');
    const appRoute = /^\/app(\/|$)/.test(path);
    let subject: string;
    if (appRoute) {
      // App routes take only a JWT (auth-app sends `bearer`; the scheme is matched case-insensitively).
      const problem = auth ? jwtProblem(auth[2]!, { appId: this.app.id, clientId: this.app.clientId, publicKey: this.publicKey }, Math.floor(this.now() / 1000)) : null;
      if (!auth) return this.answer(request, 401, headers, errorBody('401_requires_authentication'));
      if (problem) return this.answer(request, 401, headers, errorBody('401_jwt_undecodable', problem));
      subject = `app:${this.app.id}`;
    } else {
      if (!auth) return this.answer(request, 401, headers, errorBody('401_requires_authentication'));
      const token = this.tokens.get(auth[2]!);
      if (!token || token.expiresAt <= this.now()) return this.answer(request, 401, headers, errorBody('401_bad_credentials'));
      if (this.installation.suspendedAt) return this.answer(request, 403, headers, errorBody('403_resource', 'This installation has been suspended'), `installation:${token.installationId}`);
      subject = `installation:${token.installationId}`;
    }

    // Rate limits: the secondary switch, then the primary budget of the caller.
    if (this.secondary.remaining > 0) {
      this.secondary.remaining -= 1;
      const extra: Record<string, string> = this.secondary.retryAfter === null ? {} : { 'retry-after': String(this.secondary.retryAfter) };
      return this.answer(request, this.secondary.status, { ...headers, ...extra }, errorBody('403_or_429_secondary'), subject);
    }
    const bucket = this.bucket(subject);
    if (bucket.used >= bucket.limit && path !== '/rate_limit') {
      const message = subject.startsWith('installation:') ? `API rate limit exceeded for installation ID ${this.installation.id}.` : `API rate limit exceeded for app ID ${this.app.id}.`;
      return this.answer(request, this.primaryLimitStatus, headers, { message, documentation_url: PRIMARY_DOCS }, subject, false);
    }

    const result = this.route(request, path);
    return this.answer(request, result.status, { ...headers, ...result.headers }, result.body, subject, path !== '/rate_limit');
  }

  /** Adds x-ratelimit-* (counting the request unless told not to), ETag on GET 200s, and 304 on a matching If-None-Match. */
  private answer(request: FakeRequest, status: number, headers: Record<string, string>, body: unknown, subject = 'anonymous', count = true): FakeResponse {
    const bucket = this.bucket(subject);
    const out: Record<string, string> = { ...headers };
    if (request.method === 'GET' && status === 200) {
      const etag = `W/"${createHash('sha256').update(JSON.stringify(body)).digest('hex')}"`;
      out.etag = etag;
      // A 304 does not count against the primary limit (contract §1, conditional requests).
      if (request.headers['if-none-match'] === etag) return { status: 304, headers: { ...out, ...rateHeaders(bucket) } };
    }
    if (count && status !== 304 && bucket.used < bucket.limit) bucket.used += 1;
    return { status, headers: { ...out, ...rateHeaders(bucket) }, body };
  }

  private bucket(subject: string): RateBucket {
    let bucket = this.rate.get(subject);
    if (!bucket || bucket.resetAt <= this.now()) {
      bucket = { limit: subject === 'anonymous' ? 60 : 5000, used: 0, resetAt: this.now() + RATE_WINDOW_MS };
      this.rate.set(subject, bucket);
    }
    return bucket;
  }

  private route(request: FakeRequest, path: string): { status: number; headers?: Record<string, string>; body?: unknown } {
    const base = this.base;
    const notFound = { status: 404, body: errorBody('404_not_found') };
    const get = request.method === 'GET';
    let match: RegExpExecArray | null;

    if (get && path === '/app') return { status: 200, body: appBody(base, this.app, this.installation.account, 1) };
    if (get && path === '/app/installations') return { status: 200, body: [installationBody(base, this.app, this.installation)] };
    if (get && (match = /^\/app\/installations\/([^/]+)$/.exec(path))) {
      return match[1] === String(this.installation.id) ? { status: 200, body: installationBody(base, this.app, this.installation) } : notFound;
    }
    if (request.method === 'POST' && (match = /^\/app\/installations\/([^/]+)\/access_tokens$/.exec(path))) {
      if (match[1] !== String(this.installation.id)) return notFound;
      if (this.installation.suspendedAt) return { status: 403, body: errorBody('403_resource', 'This installation has been suspended') };
      const token = `ghs_${randomBytes(27).toString('base64url').replace(/[-_]/g, 'x')}`;
      const expiresAt = this.now() + TOKEN_LIFETIME_MS;
      this.tokens.set(token, { installationId: this.installation.id, expiresAt });
      this.issuedTokens.push(token);
      return { status: 201, body: accessTokenBody(token, new Date(expiresAt), this.installation) };
    }
    if (get && path === '/rate_limit') return { status: 200, body: rateLimitBody(this.rateLimit()) };
    if (get && path === '/installation/repositories') {
      const { items, links } = this.paginate(request, this.repositories);
      return { status: 200, headers: links, body: installationRepositoriesBody(this.repositories.length, items.map((r) => installationRepositoryBody(base, r))) };
    }
    if (get && (match = /^\/(?:repos\/([^/]+)\/([^/]+)|repositories\/(\d+))(\/.*)?$/.exec(path))) {
      const repository = match[3]
        ? this.repositories.find((r) => String(r.id) === match![3])
        : this.repositories.find((r) => r.owner.login.toLowerCase() === decodeURIComponent(match![1]!).toLowerCase() && r.name.toLowerCase() === decodeURIComponent(match![2]!).toLowerCase());
      if (!repository) return notFound;
      const rest = match[4] ?? '';
      if (rest === '') return { status: 200, body: fullRepositoryBody(base, repository) };
      if (rest === '/branches') {
        let branches = repository.branches;
        const filter = request.url.searchParams.get('protected');
        if (filter === 'true' || filter === 'false') branches = branches.filter((b) => b.isProtected === (filter === 'true'));
        // Like GitHub, the links point at the repository by id.
        const { items, links } = this.paginate(request, branches, `/api/v3/repositories/${repository.id}/branches`);
        return { status: 200, headers: links, body: items.map((b) => branchBody(base, repository, b)) };
      }
      if (rest.startsWith('/branches/')) {
        const name = decodeURIComponent(rest.slice('/branches/'.length));
        const branch = repository.branches.find((b) => b.name === name);
        return branch ? { status: 200, body: { ...branchBody(base, repository, branch), _links: { self: `${base.api}/repos/${repository.owner.login}/${repository.name}/branches/${encodeURIComponent(name)}`, html: `${base.web}/${repository.owner.login}/${repository.name}/tree/${name}` } } } : { status: 404, body: errorBody('404_not_found', 'Branch not found') };
      }
      return notFound;
    }
    return notFound;
  }

  /**
   * A page of `items` from `page`/`per_page` (default 30, at most 100), with GitHub's Link header: absolute
   * URLs at the fake's base, the request's query kept (per_page echoed), `prev, next, last, first` joined by
   * ", ", no `next` on the last page, no Link at all when everything fits on one page.
   */
  private paginate<T>(request: FakeRequest, items: readonly T[], linkPath = request.url.pathname): { items: T[]; links: Record<string, string> } {
    const requested = Number.parseInt(request.url.searchParams.get('per_page') ?? '', 10);
    const perPage = Number.isNaN(requested) || requested < 1 ? DEFAULT_PER_PAGE : Math.min(requested, MAX_PER_PAGE);
    const askedPage = Number.parseInt(request.url.searchParams.get('page') ?? '', 10);
    const page = Number.isNaN(askedPage) || askedPage < 1 ? 1 : askedPage;
    const lastPage = Math.max(1, Math.ceil(items.length / perPage));
    const slice = items.slice((page - 1) * perPage, page * perPage);
    if (lastPage === 1 && page === 1) return { items: slice, links: {} };
    const link = (n: number, rel: string) => {
      const query = new URLSearchParams(request.url.searchParams);
      query.set('page', String(n));
      return `<${this.server.url}${linkPath}?${query.toString()}>; rel="${rel}"`;
    };
    const parts: string[] = [];
    if (page > 1) parts.push(link(Math.min(page - 1, lastPage), 'prev'));
    if (page < lastPage) parts.push(link(page + 1, 'next'), link(lastPage, 'last'));
    if (page > 1) parts.push(link(1, 'first'));
    return { items: slice, links: { link: parts.join(', ') } };
  }
}

function makeBranches(fullName: string, count: number, defaultBranch: string): BranchRecord[] {
  const names = new Set<string>(count > 0 ? [defaultBranch] : []);
  for (let j = 1; names.size < count; j++) names.add(j % 10 === 0 ? `release/${String(j).padStart(4, '0')}` : `feature/task-${String(j).padStart(4, '0')}`);
  return [...names]
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((name) => ({ name, sha: createHash('sha1').update(`${fullName}:${name}`).digest('hex'), isProtected: name === defaultBranch || name.startsWith('release/') }));
}

function apiPath(url: URL): string {
  return url.pathname.replace(/^\/api\/v3/, '') || '/';
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function rateHeaders(bucket: RateBucket): Record<string, string> {
  return {
    'x-ratelimit-limit': String(bucket.limit),
    'x-ratelimit-remaining': String(Math.max(0, bucket.limit - bucket.used)),
    'x-ratelimit-used': String(bucket.used),
    'x-ratelimit-reset': String(Math.floor(bucket.resetAt / 1000)),
    'x-ratelimit-resource': 'core',
  };
}

export { JWT_MESSAGES };
export type { RepositoryRecord, BranchRecord };
