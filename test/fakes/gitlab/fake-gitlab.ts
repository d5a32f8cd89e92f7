import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FakeForge, type FakeRequest, type FakeResponse } from '../fake-server.js';
import { TestGitRepository } from '../git/repository.js';
import { GitLabCommitStatuses } from './commit-statuses.js';
import { branchCommit, findCommit, renderCommit, renderCommitDetail } from './commits.js';
import { ACCESS, GitLabWorld, SHARE_ACCESS, type FakeBranch, type FakeProject, type FakeUser, type SeedOptions, type Visibility } from './data.js';
import { examples, fromExample, type JsonObject } from './examples.js';
import { gitBranches, isEmpty, setHead } from './git-data.js';
import { handleGitHttp, isGitHttpRequest } from './git-http.js';
import { GitLabProjectHooks } from './hooks.js';
import { GitLabOAuth } from './oauth.js';
import { paginate } from './pagination.js';
import { checkDiffLimits, compareRefs, DEFAULT_DIFF_LIMITS, repositoryTree, type DiffLimits } from './repository-compare.js';

/** GitLab OAuth access tokens last 2 hours (doc/api/oauth2.md: expires_in 7200). */
export const OAUTH_TOKEN_LIFETIME_SECONDS = 7200;

export interface FakeToken {
  value: string;
  userId: number;
  scopes: string[];
  kind: 'oauth' | 'personal';
  createdAt: Date;
  /** null: never expires (personal access tokens without an expiry date here). */
  lifetimeSeconds: number | null;
  revoked: boolean;
}

export interface FakeGitLabOptions {
  /**
   * The instance's configured external URL (what web_url, http_url_to_repo and Link headers use), e.g.
   * https://gitlab.example.com when the adapter reaches the fake through an internal URL. Defaults to the
   * fake's own address.
   */
  externalUrl?: string;
  /** Rack::Attack's authenticated API throttle; null turns rate limiting (and its headers) off. */
  rateLimit?: { limit: number; periodSeconds: number } | null;
  /** The admin setting "Allow requests to the local network from webhooks and integrations" (default off, as on GitLab). */
  allowLocalRequestsFromWebHooks?: boolean;
  /** The admin diff limits (./repository-compare.ts). */
  diffLimits?: DiffLimits;
}

export interface GitRepositoryOptions {
  visibility?: Visibility;
  /** The repository's HEAD branch, GitLab's default_branch (default main). */
  defaultBranch?: string;
  /** Direct members (user ids); by default the owner for a personal namespace, else the group's members count. */
  memberIds?: number[];
}

const JSON_TYPE = { 'content-type': 'application/json' };
const REALM = 'Bearer realm="Protected by OAuth 2.0"';

/** lib/api/api_guard.rb */
const INVALID_TOKEN = {
  expired: 'Token is expired. You can either do re-authorization or token refresh.',
  revoked: 'Token was revoked. You have to re-authorize from the user.',
  unknown: 'Bad Access Token.',
};
/** Doorkeeper's own descriptions (config/locales/en.yml), used by /oauth/token/info. */
const DOORKEEPER_INVALID_TOKEN = {
  expired: 'The access token expired',
  revoked: 'The access token was revoked',
  unknown: 'The access token is invalid',
};

/**
 * A GitLab REST v4 instance on 127.0.0.1, following ../shared/contracts/gitlab: OAuth bearer tokens that
 * expire after 2 h (on the fake's clock, which tests can advance), PRIVATE-TOKEN personal tokens, scopes,
 * membership and group visibility, group listings with subgroups and shared projects, offset pagination
 * headers, search, 401 `invalid_token` bodies with WWW-Authenticate, 404 `… Not Found` messages, and the
 * Rack::Attack throttle (RateLimit-* headers on every response, 429 text/plain `Retry later` with
 * Retry-After and RateLimit-ResetTime). Faults (failNext, hangNext, latency) come from FakeForge.
 * Projects can be backed by real git repositories (addGitRepository): their branches and commits (GET
 * …/repository/commits/:sha) are read from git, and git clones them over smart HTTP at http_url_to_repo's path
 * with GitLab's credential checks (./git-http.ts). Commit statuses (POST …/statuses/:sha) follow
 * ./commit-statuses.ts and are kept in `commitStatuses`. Compare and the repository tree follow
 * ./repository-compare.ts (with the instance's diff limits), project hooks ./hooks.ts (kept in `hooks`), and
 * members/all/:user_id answers the highest role the world gives (GitLabWorld.accessLevel; roles are set with
 * world.setMember).
 */
export class FakeGitLab extends FakeForge {
  readonly world = new GitLabWorld();
  readonly tokens = new Map<string, FakeToken>();
  /** OAuth applications, /oauth/authorize, /oauth/token (both grants) and /oauth/revoke: see ./oauth.ts. */
  readonly oauth: GitLabOAuth = new GitLabOAuth({
    now: () => this.now(),
    mainUser: () => this.world.mainUser,
    issueToken: (options) => this.issueToken(options),
    revokeToken: (value) => this.revokeToken(value),
  });
  /** Every commit status posted, as GitLab keeps them: see ./commit-statuses.ts. */
  readonly commitStatuses: GitLabCommitStatuses = new GitLabCommitStatuses({
    now: () => this.now(),
    renderAuthor: (user) => this.renderUserBasic(user),
  });
  /** Project hooks as GitLab keeps them: see ./hooks.ts. */
  readonly hooks: GitLabProjectHooks = new GitLabProjectHooks({
    now: () => this.now(),
    allowLocalNetwork: () => this.options.allowLocalRequestsFromWebHooks === true,
  });
  private clockOffsetMs = 0;
  private gitRoot: string | undefined;
  private readonly options: FakeGitLabOptions;
  private rateWindow = { start: 0, observed: 0 };

  constructor(options: FakeGitLabOptions = {}) {
    super();
    this.options = { rateLimit: { limit: 7200, periodSeconds: 3600 }, ...options };
    checkDiffLimits(this.options.diffLimits ?? DEFAULT_DIFF_LIMITS);
    this.world.mainUser = this.world.addUser({ username: 'john_smith', name: 'John Smith', email: 'john@example.com' });
  }

  get externalUrl(): string {
    return (this.options.externalUrl ?? this.server.url).replace(/\/+$/, '');
  }

  seed(options: SeedOptions): this {
    this.world.seed(options);
    return this;
  }

  /**
   * A project at `fullPath` (its group made if missing) backed by a new, empty bare repository: commit to the
   * returned repository and the API and git HTTP answer from it. The repositories are removed by stop().
   */
  addGitRepository(fullPath: string, options: GitRepositoryOptions = {}): TestGitRepository {
    this.gitRoot ??= mkdtempSync(path.join(tmpdir(), 'fake-gitlab-git-'));
    const repository = TestGitRepository.create(`${fullPath}.git`, { root: this.gitRoot });
    const defaultBranch = options.defaultBranch ?? 'main';
    if (defaultBranch !== 'main') setHead(repository, defaultBranch);
    const project = this.world.addProject(fullPath, {
      visibility: options.visibility ?? 'private',
      defaultBranch,
      ...(options.memberIds ? { memberIds: new Set(options.memberIds) } : {}),
    });
    project.branches = [];
    project.git = repository;
    return repository;
  }

  override async stop(): Promise<void> {
    await super.stop();
    if (this.gitRoot) rmSync(this.gitRoot, { recursive: true, force: true });
    this.gitRoot = undefined;
  }

  /** A project's branches by name: from its real repository when it has one. */
  branchesOf(project: FakeProject): FakeBranch[] {
    return project.git ? gitBranches(project, project.git) : project.branches;
  }

  // Clock -------------------------------------------------------------------------------------------------

  now(): Date {
    return new Date(Date.now() + this.clockOffsetMs);
  }

  advanceClock(ms: number): void {
    this.clockOffsetMs += ms;
  }

  // Credentials -------------------------------------------------------------------------------------------

  /** An OAuth access token (2 h) for the main user unless told otherwise; `value` picks the token text. */
  issueToken(options: { value?: string; scopes?: string[]; kind?: 'oauth' | 'personal'; user?: FakeUser; lifetimeSeconds?: number | null } = {}): string {
    const kind = options.kind ?? 'oauth';
    const value = options.value ?? (kind === 'oauth' ? randomBytes(32).toString('hex') : `glpat-${randomBytes(10).toString('hex')}`);
    this.tokens.set(value, {
      value,
      userId: (options.user ?? this.world.mainUser).id,
      scopes: options.scopes ?? ['api'],
      kind,
      createdAt: this.now(),
      lifetimeSeconds: options.lifetimeSeconds !== undefined ? options.lifetimeSeconds : kind === 'oauth' ? OAUTH_TOKEN_LIFETIME_SECONDS : null,
      revoked: false,
    });
    return value;
  }

  revokeToken(value: string): void {
    const token = this.tokens.get(value);
    if (token) token.revoked = true;
  }

  // Rate limiting -----------------------------------------------------------------------------------------

  /** Use up the current throttle window: every request until it ends gets 429. */
  exhaustRateLimit(): void {
    const limit = this.options.rateLimit;
    if (!limit) throw new Error('rate limiting is off on this fake');
    this.currentWindow();
    this.rateWindow.observed = limit.limit;
  }

  /** Start the current throttle window's count afresh. */
  resetRateLimit(): void {
    this.rateWindow = { start: 0, observed: 0 };
  }

  /** When the current throttle window ends (RateLimit-Reset). */
  rateLimitResetAt(): Date {
    const { periodSeconds } = this.options.rateLimit!;
    return new Date(this.currentWindow().start + periodSeconds * 1000);
  }

  // Faults (failNext, hangNext, setLatency, requestCount) and reset() come from FakeForge: reset() forgets
  // recorded requests and faults, while the world, tokens and clock stay.

  // Handling ----------------------------------------------------------------------------------------------

  protected handle(request: FakeRequest): FakeResponse | Promise<FakeResponse> {
    // Git HTTP is not under the authenticated API throttle (Rack::Attack has separate git HTTP settings).
    if (isGitHttpRequest(request)) {
      return handleGitHttp(request, {
        externalUrl: this.externalUrl,
        projectByPath: (fullPath) => this.world.projectByRef(fullPath),
        canSeeProject: (user, project) => this.world.canSeeProject(user, project),
        tokenOwner: (value) => {
          const token = this.tokens.get(value);
          if (!token || token.revoked || this.expired(token)) return null;
          return { user: this.world.users.find((u) => u.id === token.userId)!, scopes: token.scopes };
        },
      });
    }
    const throttle = this.throttle();
    const response = throttle.limited ? throttle.response : this.route(request);
    return { ...response, headers: { ...response.headers, ...throttle.headers } };
  }

  private currentWindow() {
    const periodMs = this.options.rateLimit!.periodSeconds * 1000;
    const start = Math.floor(this.now().getTime() / periodMs) * periodMs;
    if (start !== this.rateWindow.start) this.rateWindow = { start, observed: 0 };
    return this.rateWindow;
  }

  /** Rack::Attack: counts the request, then throttles past the limit; its headers go on every response. */
  private throttle(): { limited: true; response: FakeResponse; headers: Record<string, string> } | { limited: false; headers: Record<string, string> } {
    const limit = this.options.rateLimit;
    if (!limit) return { limited: false, headers: {} };
    const window = this.currentWindow();
    window.observed += 1;
    const resetMs = window.start + limit.periodSeconds * 1000;
    const headers = {
      'ratelimit-name': 'throttle_authenticated_api',
      'ratelimit-limit': String(limit.limit),
      'ratelimit-observed': String(window.observed),
      'ratelimit-remaining': String(Math.max(0, limit.limit - window.observed)),
      'ratelimit-reset': String(Math.floor(resetMs / 1000)),
    };
    if (window.observed <= limit.limit) return { limited: false, headers };
    return {
      limited: true,
      headers: {
        ...headers,
        'ratelimit-resettime': new Date(resetMs).toUTCString(),
        'retry-after': String(Math.max(1, Math.ceil((resetMs - this.now().getTime()) / 1000))),
      },
      response: { status: 429, headers: { 'content-type': 'text/plain' }, body: 'Retry later' },
    };
  }

  private route(request: FakeRequest): FakeResponse {
    let segments: string[];
    try {
      segments = request.url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    } catch {
      return { status: 400, headers: JSON_TYPE, body: { message: '400 Bad request' } };
    }
    const oauth = this.oauth.handle(request);
    if (oauth) return oauth;
    if (request.method === 'POST' && segments.length === 6 && segments[0] === 'api' && segments[1] === 'v4' && segments[2] === 'projects' && segments[4] === 'statuses') {
      return this.postCommitStatus(request, segments[3]!, segments[5]!);
    }
    if ((segments.length === 5 || segments.length === 6) && segments[0] === 'api' && segments[1] === 'v4' && segments[2] === 'projects' && segments[4] === 'hooks') {
      return this.projectHooks(request, segments[3]!, segments[5]);
    }
    if (request.method !== 'GET') return notFoundRoute();

    if (segments.join('/') === 'oauth/token/info') return this.tokenInfo(request);
    if (segments[0] !== 'api' || segments[1] !== 'v4') return notFoundRoute();
    const path = segments.slice(2);

    const auth = this.authenticate(request, path[0] === 'user' && path.length === 1 ? ['api', 'read_api', 'read_user'] : ['api', 'read_api']);
    if ('response' in auth) return auth.response;
    const user = auth.user;

    if (path.length === 1 && path[0] === 'user') {
      if (!user) return { status: 401, headers: JSON_TYPE, body: { message: '401 Unauthorized' } };
      return this.json(200, this.renderUser(user));
    }
    if (path.length === 1 && path[0] === 'projects') return this.listProjects(request, user);
    if (path[0] === 'projects' && path.length >= 2) {
      const project = this.world.projectByRef(path[1]!);
      if (!project || !this.world.canSeeProject(user, project)) return { status: 404, headers: JSON_TYPE, body: { message: '404 Project Not Found' } };
      if (path.length === 2) return this.json(200, this.renderProject(project, user, false));
      if (path.length === 4 && path[2] === 'repository' && path[3] === 'branches') return this.listBranches(request, project);
      if (path.length === 5 && path[2] === 'repository' && path[3] === 'branches') {
        const branch = this.branchesOf(project).find((b) => b.name === path[4]);
        if (!branch) return { status: 404, headers: JSON_TYPE, body: { message: '404 Branch Not Found' } };
        return this.json(200, this.renderBranch(project, branch));
      }
      if (path.length === 5 && path[2] === 'repository' && path[3] === 'commits') return this.showCommit(request, project, path[4]!);
      if (path.length === 4 && path[2] === 'repository' && (path[3] === 'compare' || path[3] === 'tree')) {
        // Repositories API: `before { authorize_read_code! }`.
        if (!this.world.canReadCode(user, project)) return { status: 403, headers: JSON_TYPE, body: { message: '403 Forbidden' } };
        const context = {
          project,
          projectWebUrl: `${this.externalUrl}/${this.world.projectPath(project)}`,
          externalUrl: this.externalUrl,
          limits: this.options.diffLimits ?? DEFAULT_DIFF_LIMITS,
        };
        return path[3] === 'compare' ? compareRefs(request, context) : repositoryTree(request, context);
      }
      if (path.length === 5 && path[2] === 'members' && path[3] === 'all') return this.memberOfProject(project, path[4]!);
    }
    if (path[0] === 'groups' && path.length === 3 && path[2] === 'projects') {
      const group = this.world.groupByRef(path[1]!);
      if (!group || !this.world.canSeeGroup(user, group)) return { status: 404, headers: JSON_TYPE, body: { message: '404 Group Not Found' } };
      return this.listGroupProjects(request, user, group.id);
    }
    return notFoundRoute();
  }

  /**
   * lib/api/api_guard.rb: a Bearer token that is unknown, revoked or expired is 401 `invalid_token`
   * (WWW-Authenticate + OAuth body); a wrong PRIVATE-TOKEN is 401 `{"message":"401 Unauthorized"}`; a token
   * without the scopes the endpoint needs is 403 `insufficient_scope`. No credentials: anonymous.
   */
  private authenticate(request: FakeRequest, scopes: string[]): { user: FakeUser | null } | { response: FakeResponse } {
    const bearer = /^bearer\s+(.+)$/i.exec(String(request.headers.authorization ?? ''))?.[1]?.trim();
    const privateToken = request.headers['private-token'];
    if (!bearer && !privateToken) return { user: null };
    const token = this.tokens.get(bearer ?? String(privateToken));
    const problem = !token ? 'unknown' : token.revoked ? 'revoked' : this.expired(token) ? 'expired' : null;
    if (problem) {
      if (!bearer) return { response: { status: 401, headers: JSON_TYPE, body: { message: '401 Unauthorized' } } };
      const description = INVALID_TOKEN[problem];
      return {
        response: {
          status: 401,
          headers: { ...JSON_TYPE, 'www-authenticate': `${REALM}, error="invalid_token", error_description="${description}"` },
          body: { error: 'invalid_token', error_description: description },
        },
      };
    }
    if (!token!.scopes.some((scope) => scopes.includes(scope))) {
      const description = 'The request requires higher privileges than provided by the access token.';
      return {
        response: {
          status: 403,
          headers: { ...JSON_TYPE, 'www-authenticate': `${REALM}, error="insufficient_scope", error_description="${description}", scope="${scopes.join(' ')}"` },
          body: { error: 'insufficient_scope', error_description: description, scope: scopes.join(' ') },
        },
      };
    }
    return { user: this.world.users.find((u) => u.id === token!.userId)! };
  }

  /**
   * lib/api/commits.rb "Get a single commit": `:sha` is a commit hash or a branch or tag name (URL-encoded when it
   * holds a slash); 404 `Commit Not Found`; `stats` defaults to true.
   */
  private showCommit(request: FakeRequest, project: FakeProject, ref: string): FakeResponse {
    const commit = findCommit(project, ref);
    if (!commit) return { status: 404, headers: JSON_TYPE, body: { message: '404 Commit Not Found' } };
    const withStats = request.url.searchParams.get('stats') !== 'false';
    return this.json(200, renderCommitDetail(commit, project, `${this.externalUrl}/${this.world.projectPath(project)}`, withStats));
  }

  /**
   * POST /projects/:id/statuses/:sha: the `api` scope (read_api is GET-only), the project visible (else 404), and
   * a role that may create commit statuses (Developer; here, members) else 403; then ./commit-statuses.ts.
   */
  private postCommitStatus(request: FakeRequest, projectRef: string, sha: string): FakeResponse {
    const auth = this.authenticate(request, ['api']);
    if ('response' in auth) return auth.response;
    const user = auth.user;
    if (!user) return { status: 401, headers: JSON_TYPE, body: { message: '401 Unauthorized' } };
    const project = this.world.projectByRef(projectRef);
    if (!project || !this.world.canSeeProject(user, project)) return { status: 404, headers: JSON_TYPE, body: { message: '404 Project Not Found' } };
    if (!this.world.isProjectMember(user, project)) return { status: 403, headers: JSON_TYPE, body: { message: '403 Forbidden' } };
    return this.commitStatuses.post(request, project, user, sha);
  }

  /**
   * /projects/:id/hooks[/:hook_id] (lib/api/project_hooks.rb): authenticated (401 without a user), GET with read_api or
   * api and POST/DELETE with api (403 insufficient_scope), the project visible (404 Project Not Found), and the
   * `read_web_hook` / `admin_web_hook` ability, which takes the Maintainer role (403 Forbidden); then ./hooks.ts.
   */
  private projectHooks(request: FakeRequest, projectRef: string, hookId: string | undefined): FakeResponse {
    const write = request.method !== 'GET';
    const routed = request.method === 'GET' || (request.method === 'POST' && hookId === undefined) || (request.method === 'DELETE' && hookId !== undefined);
    if (!routed) return notFoundRoute();
    const auth = this.authenticate(request, write ? ['api'] : ['api', 'read_api']);
    if ('response' in auth) return auth.response;
    const user = auth.user;
    if (!user) return { status: 401, headers: JSON_TYPE, body: { message: '401 Unauthorized' } };
    const project = this.world.projectByRef(projectRef);
    if (!project || !this.world.canSeeProject(user, project)) return { status: 404, headers: JSON_TYPE, body: { message: '404 Project Not Found' } };
    if ((this.world.accessLevel(user, project) ?? 0) < ACCESS.maintainer) return { status: 403, headers: JSON_TYPE, body: { message: '403 Forbidden' } };
    if (request.method === 'POST') return this.hooks.create(request, project);
    if (hookId === undefined) return this.hooks.list(request, project, this.externalUrl);
    if (!/^\d+$/.test(hookId)) return { status: 400, headers: JSON_TYPE, body: { error: 'hook_id is invalid' } };
    return request.method === 'DELETE' ? this.hooks.delete(project, hookId) : this.hooks.show(project, hookId);
  }

  /**
   * GET /projects/:id/members/all/:user_id (lib/api/members.rb; doc/api/members.md "Get a member of a group or project,
   * including inherited and invited members"): anyone who sees the project may ask; `user_id` an integer (else 400);
   * the member with their highest role, or 404 `{"message":"404 Not found"}` (ActiveRecord::RecordNotFound).
   */
  private memberOfProject(project: FakeProject, userId: string): FakeResponse {
    if (!/^\d+$/.test(userId)) return { status: 400, headers: JSON_TYPE, body: { error: 'user_id is invalid' } };
    const member = this.world.users.find((u) => u.id === Number(userId));
    const level = member ? this.world.accessLevel(member, project) : null;
    if (!member || level === null) return { status: 404, headers: JSON_TYPE, body: { message: '404 Not found' } };
    return this.json(200, {
      ...this.renderUserBasic(member),
      access_level: level,
      created_at: project.createdAt.toISOString(),
      created_by: null,
      expires_at: null,
      membership_state: 'active',
    });
  }

  private expired(token: FakeToken): boolean {
    return token.lifetimeSeconds !== null && this.now().getTime() >= token.createdAt.getTime() + token.lifetimeSeconds * 1000;
  }

  /** Doorkeeper's GET /oauth/token/info (host root). */
  private tokenInfo(request: FakeRequest): FakeResponse {
    const bearer = /^bearer\s+(.+)$/i.exec(String(request.headers.authorization ?? ''))?.[1]?.trim();
    const token = bearer ? this.tokens.get(bearer) : undefined;
    const problem = !token || token.kind !== 'oauth' ? 'unknown' : token.revoked ? 'revoked' : this.expired(token) ? 'expired' : null;
    if (problem) {
      const description = DOORKEEPER_INVALID_TOKEN[problem];
      return {
        status: 401,
        headers: { ...JSON_TYPE, 'www-authenticate': `${REALM}, error="invalid_token", error_description="${description}"` },
        body: { error: 'invalid_token', error_description: description },
      };
    }
    const t = token!;
    const expiresIn = t.lifetimeSeconds === null ? null : Math.max(0, Math.round((t.createdAt.getTime() + t.lifetimeSeconds * 1000 - this.now().getTime()) / 1000));
    return this.json(
      200,
      fromExample(examples.tokenInfo, { resource_owner_id: t.userId, scope: t.scopes, expires_in: expiresIn, created_at: Math.floor(t.createdAt.getTime() / 1000) }),
    );
  }

  private listProjects(request: FakeRequest, user: FakeUser | null): FakeResponse {
    const q = request.url.searchParams;
    let projects = this.world.projects.filter((project) => this.world.canSeeProject(user, project));
    // Anonymous callers get public projects only; membership/owned need a user.
    if (user && q.get('membership') === 'true') projects = projects.filter((project) => this.world.isProjectMember(user, project));
    if (user && q.get('owned') === 'true') projects = projects.filter((project) => project.namespace.kind === 'user' && project.namespace.userId === user.id);
    return this.projectList(request, user, projects);
  }

  private listGroupProjects(request: FakeRequest, user: FakeUser | null, groupId: number): FakeResponse {
    const q = request.url.searchParams;
    const group = this.world.group(groupId);
    const groupIds = new Set((q.get('include_subgroups') === 'true' ? this.world.subtree(group) : [group]).map((g) => g.id));
    const withShared = q.get('with_shared') !== 'false';
    const projects = this.world.projects.filter(
      (project) =>
        ((project.namespace.kind === 'group' && groupIds.has(project.namespace.groupId)) || (withShared && project.sharedWithGroupIds.includes(group.id))) &&
        this.world.canSeeProject(user, project),
    );
    return this.projectList(request, user, projects);
  }

  /** search, archived, visibility, order_by/sort (default created_at desc, id breaks ties), pagination. */
  private projectList(request: FakeRequest, user: FakeUser | null, projects: FakeProject[]): FakeResponse {
    const q = request.url.searchParams;
    const search = q.get('search')?.toLowerCase();
    let list = projects;
    if (search) list = list.filter((p) => [p.name, p.path, p.description ?? ''].some((text) => text.toLowerCase().includes(search)));
    if (q.has('archived')) list = list.filter((p) => p.archived === (q.get('archived') === 'true'));
    const visibility = q.get('visibility');
    if (visibility) list = list.filter((p) => p.visibility === visibility);
    const orderBy = q.get('order_by') ?? 'created_at';
    const direction = q.get('sort') === 'asc' ? 1 : -1;
    const key = (p: FakeProject): string | number =>
      orderBy === 'id' ? p.id : orderBy === 'name' ? p.name.toLowerCase() : orderBy === 'path' ? p.path : orderBy === 'last_activity_at' || orderBy === 'updated_at' ? p.lastActivityAt.getTime() : p.createdAt.getTime();
    list = [...list].sort((a, b) => {
      const [ka, kb] = [key(a), key(b)];
      return (ka < kb ? -1 : ka > kb ? 1 : 0) * direction || (a.id - b.id) * direction;
    });
    const simple = !user || q.get('simple') === 'true';
    const page = paginate(list, request.url, this.externalUrl);
    return this.json(200, page.items.map((p) => this.renderProject(p, user, simple)), page.headers);
  }

  /** Sorted by name; `search` is a case-insensitive substring, `^term` a prefix, `term$` a suffix. */
  private listBranches(request: FakeRequest, project: FakeProject): FakeResponse {
    const raw = request.url.searchParams.get('search');
    let branches = this.branchesOf(project);
    if (raw) {
      const prefix = raw.startsWith('^');
      const suffix = raw.endsWith('$');
      const term = raw.slice(prefix ? 1 : 0, suffix ? -1 : undefined).toLowerCase();
      branches = branches.filter((b) => {
        const name = b.name.toLowerCase();
        if (prefix && suffix) return name === term;
        if (prefix) return name.startsWith(term);
        if (suffix) return name.endsWith(term);
        return name.includes(term);
      });
    }
    const page = paginate(branches, request.url, this.externalUrl);
    return this.json(200, page.items.map((b) => this.renderBranch(project, b)), page.headers);
  }

  // Rendering (from the contract examples) ----------------------------------------------------------------

  private json(status: number, body: unknown, headers: Record<string, string> = {}): FakeResponse {
    return { status, headers: { ...JSON_TYPE, ...headers }, body };
  }

  private renderUser(user: FakeUser): JsonObject {
    return fromExample(examples.user, {
      id: user.id,
      username: user.username,
      name: user.name,
      email: user.email,
      public_email: user.email,
      commit_email: user.email,
      web_url: `${this.externalUrl}/${user.username}`,
      avatar_url: `${this.externalUrl}/uploads/user/avatar/${user.id}/avatar.png`,
    });
  }

  /** lib/api/entities/user_basic.rb */
  private renderUserBasic(user: FakeUser): JsonObject {
    return {
      id: user.id,
      username: user.username,
      name: user.name,
      state: 'active',
      locked: false,
      avatar_url: `${this.externalUrl}/uploads/user/avatar/${user.id}/avatar.png`,
      web_url: `${this.externalUrl}/${user.username}`,
    };
  }

  renderProject(project: FakeProject, user: FakeUser | null, simple: boolean): JsonObject {
    const ext = this.externalUrl;
    const fullPath = this.world.projectPath(project);
    const webUrl = `${ext}/${fullPath}`;
    const ns = project.namespace;
    const group = ns.kind === 'group' ? this.world.group(ns.groupId) : null;
    const owner = ns.kind === 'user' ? this.world.users.find((u) => u.id === ns.userId)! : null;
    const namespaceNames = group ? this.world.ancestry(group).reverse().map((g) => g.name) : [owner!.name];
    const base: JsonObject = {
      id: project.id,
      description: project.description,
      name: project.name,
      name_with_namespace: [...namespaceNames, project.name].join(' / '),
      path: project.path,
      path_with_namespace: fullPath,
      created_at: project.createdAt.toISOString(),
      default_branch: project.defaultBranch,
      tag_list: [],
      topics: [],
      ssh_url_to_repo: `git@${new URL(ext).hostname}:${fullPath}.git`,
      http_url_to_repo: `${webUrl}.git`,
      web_url: webUrl,
      readme_url: project.defaultBranch ? `${webUrl}/-/blob/${project.defaultBranch}/README.md` : null,
      forks_count: 0,
      avatar_url: null,
      star_count: project.id % 7,
      last_activity_at: project.lastActivityAt.toISOString(),
      namespace: {
        id: group ? group.id : owner!.id,
        name: group ? group.name : owner!.name,
        path: group ? group.path : owner!.username,
        kind: group ? 'group' : 'user',
        full_path: group ? group.fullPath : owner!.username,
        parent_id: group ? group.parentId : null,
        avatar_url: null,
        web_url: group ? `${ext}/groups/${group.fullPath}` : `${ext}/${owner!.username}`,
      },
    };
    if (simple) return fromExample(examples.simpleProject, base);
    const api = `${ext}/api/v4/projects/${project.id}`;
    const roles = user ? this.world.roles(user, project) : null;
    return fromExample(examples.project, {
      ...base,
      _links: {
        self: api,
        issues: `${api}/issues`,
        merge_requests: `${api}/merge_requests`,
        repo_branches: `${api}/repository/branches`,
        labels: `${api}/labels`,
        events: `${api}/events`,
        members: `${api}/members`,
      },
      empty_repo: project.git ? isEmpty(project.git) : project.defaultBranch === null,
      archived: project.archived,
      visibility: project.visibility,
      ...(owner ? { owner: { id: owner.id, username: owner.username, name: owner.name, state: 'active', locked: false, avatar_url: null, web_url: `${ext}/${owner.username}` } } : {}),
      creator_id: project.creatorId,
      shared_with_groups: project.sharedWithGroupIds.map((id) => {
        const shared = this.world.group(id);
        return { group_id: shared.id, group_name: shared.name, group_full_path: shared.fullPath, group_access_level: SHARE_ACCESS, expires_at: null };
      }),
      permissions: {
        project_access: roles?.direct ? { access_level: roles.direct, notification_level: 3 } : null,
        group_access: roles?.group ? { access_level: roles.group, notification_level: 3 } : null,
      },
    });
  }

  private renderBranch(project: FakeProject, branch: FakeBranch): JsonObject {
    const webUrl = `${this.externalUrl}/${this.world.projectPath(project)}`;
    return fromExample(examples.branch, {
      name: branch.name,
      merged: false,
      protected: branch.protected,
      default: branch.name === project.defaultBranch,
      developers_can_push: false,
      developers_can_merge: false,
      can_push: true,
      web_url: `${webUrl}/-/tree/${branch.name}`,
      commit: renderCommit(branchCommit(project, branch), webUrl),
    });
  }
}

/** Grape's answer for a route that does not exist. */
function notFoundRoute(): FakeResponse {
  return { status: 404, headers: JSON_TYPE, body: { error: '404 Not Found' } };
}
