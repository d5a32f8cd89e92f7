import { createHash, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FakeForge, type FakeRequest, type FakeResponse } from '../fake-server.js';
import { TestGitRepository } from '../git/repository.js';
import {
  accessTokenBody,
  appBody,
  branchBody,
  conversionBody,
  errorBody,
  fullNameOf,
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
import { GitHubCollaborators, collaboratorRoute, type RepositoryRole } from './collaborators.js';
import { compareRoute } from './compare-routes.js';
import { gitRoute } from './git-http.js';
import { jwtProblem, JWT_MESSAGES } from './jwt.js';
import { parseManifest, type ManifestRecord } from './manifest.js';
import { gitContent, seededContent, type RepositoryContent } from './repository-content.js';
import type { StatusRecord } from './source-bodies.js';
import { sourceRoute } from './source-routes.js';

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

export interface GitRepositoryOptions {
  /** The owner (default: the installation's account). */
  owner?: Account;
  /** Default true: only public repositories can be fetched without credentials. */
  isPrivate?: boolean;
  /** Default `main` (the branch TestGitRepository starts with). */
  defaultBranch?: string;
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
  /** What the installation granted when the token was minted: a token keeps the permissions it was issued with. */
  permissions: Record<string, string>;
}

/** An App the fake knows: the one it was built with, or one created from a manifest. */
interface FakeApp {
  record: AppRecord;
  publicKey: KeyObject;
  owner: Account;
  /** The manifest it was created from (its setup_url is where installing it redirects). */
  manifest: ManifestRecord | null;
}

/** An App created from a manifest, with the credentials the conversion handed out (for tests and canaries). */
export interface CreatedApp {
  id: number;
  slug: string;
  name: string;
  clientId: string;
  clientSecret: string;
  webhookSecret: string;
  pem: string;
  owner: Account;
  manifest: ManifestRecord;
}

interface ManifestCode {
  manifest: ManifestRecord;
  owner: Account;
  issuedAt: number;
  used: boolean;
}

/** A manifest code converts once, within an hour of GitHub issuing it (contract §1). */
const MANIFEST_CODE_LIFETIME_MS = 60 * 60 * 1000;

/**
 * A fake GitHub (Enterprise Server layout: API under /api/v3) for one App and one installation, following
 * ../shared/contracts (README §1 and §5): App JWTs verified with the App's public key against the fake's
 * clock, installation tokens that expire after an hour of that clock, a `Date` header from that clock (auth-app
 * corrects its JWTs with it), x-ratelimit-* on every response, primary (403/429, remaining 0) and secondary
 * (403 + retry-after) limits, `Link` pagination with absolute URLs, per_page capped at 100, ETag and 304.
 * Compare and Git trees follow ./compare-routes.ts, the collaborator checks ./collaborators.ts (users, collaborators
 * and organization members are set through `collaborators` and addCollaborator).
 */
export class FakeGitHub extends FakeForge {
  /** The App the fake was built with, and its installation. */
  readonly app: AppRecord;
  readonly installation: InstallationRecord;
  /** Every installation token minted (for secret canaries). */
  readonly issuedTokens: string[] = [];
  /** Apps created from manifests, in order, with their credentials. */
  readonly createdApps: CreatedApp[] = [];
  private readonly apps = new Map<number, FakeApp>();
  /** Every installation, with the App it belongs to. */
  private readonly installations = new Map<number, { record: InstallationRecord; appId: number }>();
  private readonly manifestCodes = new Map<string, ManifestCode>();
  private nextAppId = 90_001;
  private nextInstallationId = 50_001;
  private readonly tokens = new Map<string, IssuedToken>();
  private readonly rate = new Map<string, RateBucket>();
  private repositories: RepositoryRecord[] = [];
  /** Repositories backed by real git data (by repository id), served at their clone URLs. */
  private readonly gitRepositories = new Map<number, { record: RepositoryRecord; git: TestGitRepository }>();
  private gitRoot: string | null = null;
  /** Every commit status posted, in order. */
  readonly statuses: StatusRecord[] = [];
  /** GitHub users, repository collaborators and organization members (./collaborators.ts). */
  readonly collaborators = new GitHubCollaborators();
  /** Entries of a recursive Git tree before GitHub cuts it and says `truncated` (docs: 100,000); tests may lower it. */
  treeEntryLimit = 100_000;
  private publicUrl: string | null = null;
  private clockOffsetMs = 0;
  private primaryLimitStatus = 403;
  private secondary: { remaining: number; retryAfter: number | null; status: number } = { remaining: 0, retryAfter: null, status: 403 };

  constructor(options: FakeGitHubOptions) {
    super();
    const account = options.account ?? { login: 'acme', id: 4242, type: 'Organization' as const };
    const appPermissions = options.appPermissions ?? { metadata: 'read', contents: 'read' };
    const publicKey = typeof options.publicKey === 'string' ? createPublicKey(options.publicKey) : options.publicKey;
    this.app = { id: options.appId, clientId: options.clientId, slug: options.slug ?? 'forgegraph-test', name: 'Forgegraph Test', permissions: appPermissions };
    this.installation = { id: options.installationId, account, permissions: options.installationPermissions ?? appPermissions, suspendedAt: null };
    this.apps.set(this.app.id, { record: this.app, publicKey, owner: account, manifest: null });
    this.installations.set(this.installation.id, { record: this.installation, appId: this.app.id });
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
    this.repositories = [...generated, ...extra, ...[...this.gitRepositories.values()].map((entry) => entry.record)];
    return this.repositories;
  }

  /**
   * A repository of the installation backed by a real (empty) bare git repository: its branches, tags and
   * commits in the API come from git at request time, and git fetches it at its clone URL. Commit to the
   * returned repository to give it content.
   */
  addGitRepository(name: string, options: GitRepositoryOptions = {}): TestGitRepository {
    const owner = options.owner ?? this.installation.account;
    this.gitRoot ??= mkdtempSync(path.join(tmpdir(), 'fake-github-git-'));
    const git = TestGitRepository.create(`${owner.login}/${name}.git`, { root: this.gitRoot });
    const now = iso(this.now());
    const record: RepositoryRecord = {
      id: 200_000 + this.gitRepositories.size,
      owner,
      name,
      isPrivate: options.isPrivate ?? true,
      defaultBranch: options.defaultBranch ?? 'main',
      createdAt: now,
      updatedAt: now,
      pushedAt: now,
      branches: [],
    };
    this.gitRepositories.set(record.id, { record, git });
    this.repositories.push(record);
    return git;
  }

  /** Removes the git repositories' directory with the server. */
  override async stop(): Promise<void> {
    await super.stop();
    if (this.gitRoot) rmSync(this.gitRoot, { recursive: true, force: true });
    this.gitRoot = null;
  }

  /**
   * The URL the instance believes it has (an Enterprise Server's configured hostname), when it is not the one
   * tests reach it at: every URL in its bodies (clone_url, html_url, …) is written with it. null restores the default.
   */
  reportUrlsAt(url: string | null): void {
    this.publicUrl = url ? url.replace(/\/+$/, '') : null;
  }

  /** A direct collaborator of the repository `owner/name` with a role (read, triage, write, maintain, admin). */
  addCollaborator(fullName: string, login: string, role: RepositoryRole): Account {
    const repository = this.repositories.find((r) => fullNameOf(r).toLowerCase() === fullName.toLowerCase());
    if (!repository) throw new Error(`the fake has no repository ${fullName}`);
    return this.collaborators.addCollaborator(repository, login, role);
  }

  private contentOf(repository: RepositoryRecord): RepositoryContent {
    const git = this.gitRepositories.get(repository.id);
    return git ? gitContent(git.git) : seededContent(repository);
  }

  /** The seeded repositories, in the order GitHub lists them for the installation. */
  get seeded(): readonly RepositoryRecord[] {
    return this.repositories;
  }

  // ---- Apps from manifests, installations ---------------------------------------------------------

  /**
   * What GitHub does when a person confirms the "new App" form: checks the manifest and issues the code it
   * appends to the manifest's redirect_url. The code converts once, within an hour of the fake's clock.
   */
  issueManifestCode(options: { manifest: string | object; owner?: Account }): string {
    const manifest = parseManifest(options.manifest);
    const code = randomBytes(10).toString('hex');
    this.manifestCodes.set(code, { manifest, owner: options.owner ?? { login: 'octo-user', id: 5_001, type: 'User' }, issuedAt: this.now(), used: false });
    return code;
  }

  /** Installs an App (the fake's own, or one created from a manifest) on an account; returns the installation ID. */
  installApp(appId: number, account: Account = { login: 'acme-installs', id: 6_001, type: 'Organization' }): number {
    const app = this.apps.get(appId);
    if (!app) throw new Error(`the fake has no App ${appId}`);
    const id = this.nextInstallationId++;
    this.installations.set(id, { record: { id, account, permissions: { ...app.record.permissions }, suspendedAt: null }, appId });
    return id;
  }

  /** The installation of an App on an account, as GitHub lists it (null when there is none). */
  installationOf(installationId: number): { appId: number; account: Account } | null {
    const entry = this.installations.get(installationId);
    return entry ? { appId: entry.appId, account: entry.record.account } : null;
  }

  private convertManifestCode(code: string): { status: number; body: unknown } {
    const entry = this.manifestCodes.get(code);
    if (!entry || entry.used || this.now() - entry.issuedAt > MANIFEST_CODE_LIFETIME_MS) return { status: 404, body: errorBody('404_not_found') };
    entry.used = true;
    const keys = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    const baseSlug = entry.manifest.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'app';
    let slug = baseSlug;
    for (let n = 2; [...this.apps.values()].some((a) => a.record.slug === slug); n++) slug = `${baseSlug}-${n}`;
    const record: AppRecord = {
      id: this.nextAppId++,
      slug,
      clientId: `Iv23li${randomBytes(7).toString('hex')}`,
      name: entry.manifest.name,
      permissions: { ...entry.manifest.default_permissions },
    };
    this.apps.set(record.id, { record, publicKey: createPublicKey(keys.publicKey), owner: entry.owner, manifest: entry.manifest });
    const created: CreatedApp = {
      id: record.id,
      slug,
      name: record.name,
      clientId: record.clientId,
      clientSecret: randomBytes(20).toString('hex'),
      webhookSecret: randomBytes(20).toString('hex'),
      pem: keys.privateKey,
      owner: entry.owner,
      manifest: entry.manifest,
    };
    this.createdApps.push(created);
    return {
      status: 201,
      body: conversionBody(this.base, record, entry.owner, entry.manifest.default_events, {
        clientSecret: created.clientSecret,
        webhookSecret: created.webhookSecret,
        pem: created.pem,
      }),
    };
  }

  /**
   * GitHub's web pages the browser flow goes through: the "new App" form (POST `manifest`, answered with a
   * redirect to the manifest's redirect_url with `code` and `state`), and an App's installation page (the
   * person installs it on `acme-installs`; answered with a redirect to the setup_url with `installation_id`,
   * `setup_action=install` and the `state` it was given).
   */
  private web(request: FakeRequest): FakeResponse {
    const path = request.url.pathname;
    const state = request.url.searchParams.get('state');
    let match: RegExpExecArray | null;
    if (request.method === 'POST' && (match = /^(?:\/organizations\/([^/]+))?\/settings\/apps\/new$/.exec(path))) {
      const manifest = new URLSearchParams(request.body).get('manifest');
      if (!manifest) return { status: 422, headers: { 'content-type': 'text/plain' }, body: 'manifest missing' };
      const org = match[1] ? decodeURIComponent(match[1]) : null;
      let code: string;
      try {
        code = this.issueManifestCode({ manifest, ...(org ? { owner: { login: org, id: 7_001, type: 'Organization' as const } } : {}) });
      } catch (error) {
        return { status: 422, headers: { 'content-type': 'text/plain' }, body: (error as Error).message };
      }
      const target = new URL(parseManifest(manifest).redirect_url ?? parseManifest(manifest).url);
      target.searchParams.set('code', code);
      if (state !== null) target.searchParams.set('state', state);
      return { status: 302, headers: { location: target.toString() } };
    }
    if (request.method === 'GET' && (match = /^\/apps\/([^/]+)\/installations\/new$/.exec(path))) {
      const app = [...this.apps.values()].find((a) => a.record.slug === decodeURIComponent(match![1]!));
      if (!app) return { status: 404, headers: { 'content-type': 'text/plain' }, body: 'Not Found' };
      const installationId = this.installApp(app.record.id);
      const setupUrl = app.manifest?.setup_url;
      if (!setupUrl) return { status: 200, headers: { 'content-type': 'text/plain' }, body: 'installed' };
      const target = new URL(setupUrl);
      target.searchParams.set('installation_id', String(installationId));
      target.searchParams.set('setup_action', 'install');
      if (state !== null) target.searchParams.set('state', state);
      return { status: 302, headers: { location: target.toString() } };
    }
    return { status: 404, headers: { 'content-type': 'text/plain' }, body: 'Not Found' };
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

  /** Deletes an installation (uninstalled on GitHub): as the App it answers 404 from then on, and its tokens stop working. */
  removeInstallation(installationId: number = this.installation.id): void {
    this.installations.delete(installationId);
    for (const [token, record] of this.tokens) if (record.installationId === installationId) this.tokens.delete(token);
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
    const web = this.publicUrl ?? this.server.url;
    return { web, api: `${web}/api/v3`, host: new URL(web).host };
  }

  /** An installation token still honoured, with what it grants. */
  private liveToken(token: string): IssuedToken | null {
    const record = this.tokens.get(token);
    return record && record.expiresAt > this.now() ? record : null;
  }

  /** The account an installation token acts as: its App's bot, `<slug>[bot]`. */
  private botOf(token: IssuedToken | null): Account | null {
    const appId = token ? this.installations.get(token.installationId)?.appId : undefined;
    const app = appId === undefined ? undefined : this.apps.get(appId);
    return app ? { login: `${app.record.slug}[bot]`, id: 1_000_000 + app.record.id, type: 'Bot' } : null;
  }

  protected handle(request: FakeRequest): FakeResponse | Promise<FakeResponse> {
    const headers: Record<string, string> = { date: new Date(this.now()).toUTCString(), 'x-github-media-type': 'github.v3; format=json' };
    const path = apiPath(request.url);
    if (!request.url.pathname.startsWith('/api/v3/')) {
      const git = gitRoute(request, request.url.pathname, {
        repository: (owner, name) => {
          const record = this.repositories.find((r) => r.owner.login === owner && r.name === name);
          return record ? { record, git: this.gitRepositories.get(record.id)?.git ?? null } : null;
        },
        token: (token) => {
          const record = this.liveToken(token);
          return record ? { permissions: record.permissions, suspended: !!this.installations.get(record.installationId)?.record.suspendedAt } : null;
        },
        projectRoot: this.gitRoot,
      });
      return git ?? this.web(request);
    }
    if (!request.headers['user-agent']) {
      return { status: 403, headers: { ...headers, 'content-type': 'text/plain' }, body: 'Request forbidden by administrative rules. Please make sure your request has a User-Agent header (https://docs.github.com/en/rest/overview/resources-in-the-rest-api#user-agent-required).' };
    }

    // The manifest conversion takes no authentication at all (contract §1).
    const conversion = /^\/app-manifests\/([^/]+)\/conversions$/.exec(path);
    if (conversion && request.method === 'POST') {
      const result = this.convertManifestCode(decodeURIComponent(conversion[1]!));
      return this.answer(request, result.status, headers, result.body);
    }

    const auth = /^(bearer|token)\s+(\S+)$/i.exec(request.headers.authorization ?? '');
    const appRoute = /^\/app(\/|$)/.test(path);
    let subject: string;
    let caller: FakeApp | null = null;
    let token: IssuedToken | null = null;
    if (appRoute) {
      // App routes take only a JWT (auth-app sends `bearer`; the scheme is matched case-insensitively).
      if (!auth) return this.answer(request, 401, headers, errorBody('401_requires_authentication'));
      caller = this.appOfJwt(auth[2]!);
      const problem = caller
        ? jwtProblem(auth[2]!, { appId: caller.record.id, clientId: caller.record.clientId, publicKey: caller.publicKey }, Math.floor(this.now() / 1000))
        : JWT_MESSAGES.undecodable;
      if (problem) return this.answer(request, 401, headers, errorBody('401_jwt_undecodable', problem));
      subject = `app:${caller!.record.id}`;
    } else {
      if (!auth) return this.answer(request, 401, headers, errorBody('401_requires_authentication'));
      token = this.liveToken(auth[2]!);
      if (!token) return this.answer(request, 401, headers, errorBody('401_bad_credentials'));
      if (this.installations.get(token.installationId)?.record.suspendedAt) {
        return this.answer(request, 403, headers, errorBody('403_resource', 'This installation has been suspended'), `installation:${token.installationId}`);
      }
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
      const message = subject.startsWith('installation:') ? `API rate limit exceeded for installation ID ${subject.slice('installation:'.length)}.` : `API rate limit exceeded for app ID ${subject.slice('app:'.length)}.`;
      return this.answer(request, this.primaryLimitStatus, headers, { message, documentation_url: PRIMARY_DOCS }, subject, false);
    }

    const result = this.route(request, path, caller, token);
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

  /** The App a JWT claims to be (its `iss`: App ID or client ID), before its signature is checked. */
  private appOfJwt(token: string): FakeApp | null {
    try {
      const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { iss?: unknown };
      return [...this.apps.values()].find((a) => String(a.record.id) === String(payload.iss) || a.record.clientId === payload.iss) ?? null;
    } catch {
      return null;
    }
  }

  private route(request: FakeRequest, path: string, caller: FakeApp | null, token: IssuedToken | null): { status: number; headers?: Record<string, string>; body?: unknown } {
    const base = this.base;
    const notFound = { status: 404, body: errorBody('404_not_found') };
    const get = request.method === 'GET';
    let match: RegExpExecArray | null;

    // An App sees only its own installations: another App's answers 404, as on GitHub.
    const ownInstallations = caller ? [...this.installations.values()].filter((i) => i.appId === caller.record.id).map((i) => i.record) : [];
    const ownInstallation = (id: string) => ownInstallations.find((i) => String(i.id) === id);
    if (caller && get && path === '/app') return { status: 200, body: appBody(base, caller.record, caller.owner, ownInstallations.length) };
    if (caller && get && path === '/app/installations') return { status: 200, body: ownInstallations.map((i) => installationBody(base, caller.record, i)) };
    if (caller && get && (match = /^\/app\/installations\/([^/]+)$/.exec(path))) {
      const installation = ownInstallation(match[1]!);
      return installation ? { status: 200, body: installationBody(base, caller.record, installation) } : notFound;
    }
    if (caller && request.method === 'POST' && (match = /^\/app\/installations\/([^/]+)\/access_tokens$/.exec(path))) {
      const installation = ownInstallation(match[1]!);
      if (!installation) return notFound;
      if (installation.suspendedAt) return { status: 403, body: errorBody('403_resource', 'This installation has been suspended') };
      const token = `ghs_${randomBytes(27).toString('base64url').replace(/[-_]/g, 'x')}`;
      const expiresAt = this.now() + TOKEN_LIFETIME_MS;
      this.tokens.set(token, { installationId: installation.id, expiresAt, permissions: { ...installation.permissions } });
      this.issuedTokens.push(token);
      return { status: 201, body: accessTokenBody(token, new Date(expiresAt), installation) };
    }
    if (get && path === '/rate_limit') return { status: 200, body: rateLimitBody(this.rateLimit()) };
    if (get && path === '/installation/repositories') {
      const { items, links } = this.paginate(request, this.repositories);
      return { status: 200, headers: links, body: installationRepositoriesBody(this.repositories.length, items.map((r) => installationRepositoryBody(base, r))) };
    }
    if ((match = /^\/(?:repos\/([^/]+)\/([^/]+)|repositories\/(\d+))(\/.*)?$/.exec(path))) {
      const repository = match[3]
        ? this.repositories.find((r) => String(r.id) === match![3])
        : this.repositories.find((r) => r.owner.login.toLowerCase() === decodeURIComponent(match![1]!).toLowerCase() && r.name.toLowerCase() === decodeURIComponent(match![2]!).toLowerCase());
      if (!repository) return notFound;
      const rest = match[4] ?? '';
      const content = this.contentOf(repository);
      const source = sourceRoute(request, rest, {
        base,
        repository,
        content,
        permissions: token?.permissions ?? null,
        actor: caller ? null : this.botOf(token),
        recordStatus: (status) => {
          const record = { ...status, id: 7_000_000 + this.statuses.length };
          this.statuses.push(record);
          return record;
        },
        paginate: (items) => this.paginate(request, items, `/api/v3/repositories/${repository.id}${rest}`),
        now: () => this.now(),
      });
      if (source) return source;
      const compared = compareRoute(request, rest, {
        base,
        repository,
        content,
        git: this.gitRepositories.get(repository.id)?.git ?? null,
        permissions: token?.permissions ?? null,
        treeEntryLimit: this.treeEntryLimit,
        paginate: (items) => this.paginate(request, items),
      });
      if (compared) return compared;
      const collaborator = collaboratorRoute(request, rest, { base, repository, collaborators: this.collaborators, permissions: token?.permissions ?? null });
      if (collaborator) return collaborator;
      if (!get) return notFound;
      if (rest === '') return { status: 200, body: fullRepositoryBody(base, repository) };
      if (rest === '/branches') {
        let branches = content.branches();
        const filter = request.url.searchParams.get('protected');
        if (filter === 'true' || filter === 'false') branches = branches.filter((b) => b.isProtected === (filter === 'true'));
        // Like GitHub, the links point at the repository by id.
        const { items, links } = this.paginate(request, branches, `/api/v3/repositories/${repository.id}/branches`);
        return { status: 200, headers: links, body: items.map((b) => branchBody(base, repository, b)) };
      }
      if (rest.startsWith('/branches/')) {
        const name = decodeURIComponent(rest.slice('/branches/'.length));
        const branch = content.branches().find((b) => b.name === name);
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
