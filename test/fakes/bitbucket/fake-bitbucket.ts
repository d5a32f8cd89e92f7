import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeForge, type FakeRequest, type FakeResponse } from '../fake-server.js';
import { basicCredentials, gitAuthRequired, serveGit } from '../git/http-backend.js';
import { TestGitRepository } from '../git/repository.js';
import { BbqlError, parseBbql } from './bbql.js';
import {
  BITBUCKET_WEB,
  errorBody,
  membershipBody,
  RATE_LIMIT_TEXT,
  repositoryBody,
  repositoryPermissionBody,
  restrictionBody,
  type SeedBranch,
  type SeedRepository,
  type SeedUser,
  type SeedWorkspace,
  sha,
  userBody,
} from './bodies.js';
import { type FakeCommitStatus, postStatus } from './commit-statuses.js';
import { diffstat } from './diffstat.js';
import { GIT_REALM, gitNoAccess, gitRequestPath, type GitRequestPath } from './git-http.js';
import { createHook, type FakeBitbucketHook, hookBody, hookScopes, readHookInput, sameUid } from './hooks.js';
import { compare, RepositoryRefs } from './refs.js';

/** What the fake accepts as Basic auth: email + API token, username + app password. */
export interface FakeBitbucketCredentials {
  email: string;
  apiToken: string;
  username: string;
  appPassword: string;
}

export interface SeedOptions {
  /** The workspace the repositories are in. */
  workspace?: string;
  repositories?: number;
  branchesPerRepo?: number;
  /** Extra repositories (slug → number of branches) with many branches. */
  bigRepos?: Record<string, number>;
  /** Workspaces that exist but the user is not a member of (their repositories are not visible either). */
  otherWorkspaces?: string[];
}

export interface GitRepositoryOptions {
  isPrivate?: boolean;
  /** The repository's main branch (git's default branch of the new repository is `main`). */
  mainbranch?: string;
  /** The user's permission on the repository (default: admin, as in a workspace they own). */
  permission?: 'read' | 'write' | 'admin';
}

/** The username Atlassian documents for git with an API token, besides the Bitbucket username ("Using API tokens"). */
const API_TOKEN_GIT_USERNAME = 'x-bitbucket-api-token-auth';

const MAX_PAGELEN = 100;
const DEFAULT_PAGELEN = 10;

/**
 * A Bitbucket Cloud 2.0 fake on a real HTTP server, serving /2.0/… by the contract in
 * shared/contracts (README §3 and §5): Basic auth for both credential kinds, paginated JSON with an
 * absolute `next` (absent on the last page), pagelen capped at 100 (400 above), `{type:'error'}` bodies,
 * 429 "Rate limit for this resource has been exceeded" (optionally with Retry-After), BBQL `q` and `sort`.
 * Single branches, tags and commits (…/refs/branches/{name}, …/refs/tags/{name}, …/commit/{commit}) and
 * build statuses (POST …/commit/{commit}/statuses/build) follow the official spec as typed in
 * `@coderabbitai/bitbucket`; repositories added with `addGitRepository` answer from real git data and are
 * served over git's smart HTTP at their clone link's path (`/{workspace}/{slug}.git/…`), as on bitbucket.org.
 * For webhooks: the diffstat of two commits (./diffstat.ts), repository permissions (GET /workspaces/{workspace}/
 * permissions/repositories/{repo_slug}) and repository webhooks (./hooks.ts), with the API token scopes those take
 * when `apiTokenScopes` limits them (see contract/SOURCES.md).
 */
export class FakeBitbucket extends FakeForge {
  readonly user: SeedUser = { nickname: 'fake-dev', displayName: 'Fake Developer', accountId: '712020:0f6b5c1e-5d1a-4d4c-9a4b-7b3e5c2d1a00', uuid: '{a54f16da-24e9-4d7f-a3a7-b1ba2cd98aa3}' };
  readonly workspaces = new Map<string, SeedWorkspace>();
  readonly repositories: SeedRepository[] = [];
  /** Every build status posted, as Bitbucket keeps them (one per repository, commit and key). */
  readonly statuses: FakeCommitStatus[] = [];
  /** Every repository webhook, in creation order. */
  readonly hooks: FakeBitbucketHook[] = [];
  /** Where the git repositories live (one project root for `git http-backend`), made on first use. */
  private gitRoot: string | null = null;

  // The forge's own behaviours, switched by tests.
  /** API tokens are expired or revoked: 401. */
  apiTokensExpired = false;
  /** App passwords are gone (Atlassian removed them on 2026-07-28; brownouts before): 401. */
  appPasswordsRemoved = false;
  /** Every request is over the rate limit: 429, with Retry-After (seconds) when set. */
  rateLimited: { retryAfterSeconds: number | null } | null = null;
  /** Leave out the optional `size` of paginated answers (it is expensive for Bitbucket and optional). */
  omitSize = false;
  /** The user is not an admin of the repositories: branch restrictions answer 403. */
  restrictionsForbidden = false;
  /** `next` links carry an opaque cursor (`ctx`), as Bitbucket's forward-only listings do: only a client that follows them verbatim sends it. */
  cursorNext = false;
  /**
   * The scopes the API token was created with (null: every scope). Enforced by the diffstat, repository
   * permission and webhook endpoints, which answer 403 naming what is missing.
   */
  apiTokenScopes: string[] | null = null;

  /** Back to a well-behaved forge: switches off (API token scopes unlimited), recorded requests, build statuses, webhooks and pending faults forgotten. */
  override reset(): void {
    this.statuses.length = 0;
    this.hooks.length = 0;
    this.apiTokenScopes = null;
    this.apiTokensExpired = false;
    this.appPasswordsRemoved = false;
    this.rateLimited = null;
    this.omitSize = false;
    this.restrictionsForbidden = false;
    this.cursorNext = false;
    super.reset();
  }

  constructor(readonly credentials: FakeBitbucketCredentials) {
    super();
  }

  /** The API base a client is configured with. */
  get apiUrl(): string {
    return `${this.server.url}/2.0`;
  }

  override async stop(): Promise<void> {
    await super.stop();
    if (this.gitRoot) rmSync(this.gitRoot, { recursive: true, force: true });
    this.gitRoot = null;
  }

  /**
   * A repository backed by a real (empty, bare) git repository: its branches, tags and commits are git's, its
   * https clone link is on the fake's own origin, and git fetches it from there with the same credentials as
   * the API. Its workspace is created (owned by the user) when missing. `seed()` replaces every repository.
   */
  addGitRepository(fullName: string, { isPrivate = true, mainbranch = 'main', permission = 'admin' }: GitRepositoryOptions = {}): TestGitRepository {
    const [workspace, slug, ...rest] = fullName.split('/');
    if (!workspace || !slug || rest.length > 0) throw new Error(`not a workspace/slug: ${fullName}`);
    if (!this.workspaces.has(workspace)) this.workspaces.set(workspace, { slug: workspace, name: `${workspace} workspace`, uuid: uuid(`ws:${workspace}`), permission: 'owner' });
    this.gitRoot ??= mkdtempSync(join(tmpdir(), 'fake-bitbucket-git-'));
    const git = TestGitRepository.create(`${workspace}/${slug}.git`, { root: this.gitRoot });
    const now = new Date().toISOString();
    this.repositories.push({
      workspace,
      slug,
      name: slug,
      uuid: uuid(`repo:${fullName}`),
      isPrivate,
      mainbranch,
      createdOn: now,
      updatedOn: now,
      branches: [],
      restrictions: [],
      permission,
      git,
    });
    return git;
  }

  /** Another account with an effective `permission` on a repository (a member, a group's or a workspace's access). */
  addRepositoryMember(fullName: string, nickname: string, permission: 'read' | 'write' | 'admin'): SeedUser {
    const repo = this.repositories.find((r) => `${r.workspace}/${r.slug}` === fullName);
    if (!repo) throw new Error(`${fullName} is not in the fake`);
    const user: SeedUser = { nickname, displayName: nickname, accountId: `712020:${uuid(`account:${nickname}`).slice(1, -1)}`, uuid: uuid(`user:${nickname}`) };
    repo.members = [...(repo.members ?? []).filter((m) => m.user.uuid !== user.uuid), { user, permission }];
    return user;
  }

  /** The webhooks of one repository (`workspace/slug`). */
  hooksOf(repository: string): FakeBitbucketHook[] {
    return this.hooks.filter((h) => h.repository === repository);
  }

  /** The build statuses of one commit of a repository, in the order they were first posted. */
  statusesOf(repository: string, commit: string): FakeCommitStatus[] {
    return this.statuses.filter((s) => s.repository === repository && s.commit === commit);
  }

  /** Generated data: `repositories` repos in `workspace` (every 7th named `service-…`), plus `bigRepos`. */
  seed({ workspace = 'acme', repositories = 10, branchesPerRepo = 3, bigRepos = {}, otherWorkspaces = [] }: SeedOptions = {}): this {
    this.workspaces.clear();
    this.repositories.length = 0;
    const addWorkspace = (slug: string, permission: SeedWorkspace['permission']) =>
      this.workspaces.set(slug, { slug, name: `${slug} workspace`, uuid: uuid(`ws:${slug}`), permission });
    addWorkspace(workspace, 'owner');
    for (const other of otherWorkspaces) addWorkspace(other, null);
    const base = Date.UTC(2024, 0, 1);
    const add = (slug: string, name: string, branchCount: number, index: number) => {
      const mainbranch = index % 5 === 0 ? 'master' : 'main';
      const branches: SeedBranch[] = [{ name: mainbranch, hash: sha(`${slug}:${mainbranch}`), date: new Date(base + index * 3_600_000).toISOString() }];
      for (let i = 1; branches.length < branchCount; i++) {
        const name = i <= 20 && branchCount > 40 ? `release/${i}` : `feature/${i}`;
        branches.push({ name, hash: sha(`${slug}:${name}`), date: new Date(base + i * 60_000).toISOString() });
      }
      this.repositories.push({
        workspace,
        slug,
        name,
        uuid: uuid(`repo:${workspace}/${slug}`),
        isPrivate: index % 2 === 0,
        mainbranch,
        createdOn: new Date(base + index * 86_400_000).toISOString(),
        // Not monotonic in the index: listing order must come from the sort, not from insertion.
        updatedOn: new Date(base + ((index * 7919) % 1000) * 86_400_000).toISOString(),
        branches,
        restrictions: [
          { id: 1, kind: 'push', pattern: mainbranch },
          { id: 2, kind: 'push', pattern: 'release/*' },
          { id: 3, kind: 'require_approvals_to_merge', pattern: 'feature/*' },
        ],
      });
    };
    for (let i = 1; i <= repositories; i++) {
      const kind = i % 7 === 0 ? 'service' : 'repo';
      add(`${kind}-${i}`, `${kind === 'service' ? 'Service' : 'Repo'} ${i}`, branchesPerRepo, i);
    }
    let extra = repositories;
    for (const [slug, count] of Object.entries(bigRepos)) add(slug, slug, count, ++extra);
    for (const other of otherWorkspaces) {
      // Repositories in a workspace the user cannot see.
      this.repositories.push({ ...this.repositories[0]!, workspace: other, slug: 'hidden', name: 'hidden', uuid: uuid(`repo:${other}/hidden`) });
    }
    return this;
  }

  /** Requests for one endpoint path (below /2.0). */
  requestsTo(path: string): FakeRequest[] {
    return this.server.requests.filter((r) => r.url.pathname === `/2.0${path}`);
  }

  protected async handle(request: FakeRequest): Promise<FakeResponse> {
    const git = gitRequestPath(request.url.pathname);
    if (git) return this.serveGitRequest(request, git);
    const auth = this.authenticate(request);
    if (auth === 'denied') {
      return { status: 401, headers: { 'WWW-Authenticate': 'Basic realm="Bitbucket.org HTTP"' }, body: errorBody('Unauthorized') };
    }
    if (this.rateLimited) {
      const headers: Record<string, string> = { 'content-type': 'text/plain' };
      if (this.rateLimited.retryAfterSeconds !== null) headers['retry-after'] = String(this.rateLimited.retryAfterSeconds);
      return { status: 429, headers, body: RATE_LIMIT_TEXT };
    }
    const path = request.url.pathname;
    // Bitbucket's own examples post statuses to …/statuses/build/ (trailing slash); clients send it without.
    const postsStatus = request.method === 'POST' && /\/commit\/[^/]+\/statuses\/build\/?$/.test(path);
    const hookRoute = /^\/2\.0\/repositories\/[^/]+\/[^/]+\/hooks(\/[^/]+)?\/?$/.test(path);
    if (request.method !== 'GET' && !postsStatus && !hookRoute) return { status: 405, body: errorBody('Method not allowed') };
    if (!path.startsWith('/2.0/')) return { status: 404, body: errorBody('Resource not found') };
    const parts = path.slice('/2.0/'.length).replace(/\/$/, '').split('/').map(decodeURIComponent);
    try {
      if (parts[0] === 'workspaces' && parts[2] === 'permissions' && parts[3] === 'repositories' && parts.length === 5) {
        return this.repositoryPermissions(request, auth, parts[1]!, parts[4]!);
      }
      if (hookRoute) return this.hookRequest(request, auth, parts[1]!, parts[2]!, parts[4]);
      if (parts[0] === 'repositories' && parts[3] === 'diffstat' && parts.length >= 5) return this.diffstat(request, auth, parts[1]!, parts[2]!, parts.slice(4).join('/'));
      if (parts.join('/') === 'user') return { status: 200, body: userBody(this.user, this.apiUrl) };
      if (parts.join('/') === 'user/permissions/workspaces') return this.memberships(request);
      if (parts[0] === 'repositories') {
        if (parts.length === 1) return this.listRepositories(request, null);
        const workspace = parts[1]!;
        if (parts.length === 2) return this.listRepositories(request, workspace);
        const repo = this.findRepository(workspace, parts[2]!);
        if (!repo) return { status: 404, body: errorBody(`Repository ${workspace}/${parts[2]} not found`) };
        const rest = parts.slice(3).join('/');
        if (rest === '') return { status: 200, body: this.repositoryJson(repo) };
        if (rest === 'refs/branches') return this.listBranches(request, repo);
        if (rest === 'branch-restrictions') return this.listRestrictions(request, repo);
        // A ref name may hold slashes, sent as they are (the spec's own `self` links) or as %2F.
        if (rest.startsWith('refs/branches/')) return this.refs(repo).branch(rest.slice('refs/branches/'.length));
        if (rest.startsWith('refs/tags/')) return this.refs(repo).tag(rest.slice('refs/tags/'.length));
        if (parts[3] === 'commit' && parts.length === 5) return this.refs(repo).commit(parts[4]!);
        if (postsStatus) return this.createStatus(request, repo, parts[4]!);
      }
      return { status: 404, body: errorBody('Resource not found') };
    } catch (error) {
      if (error instanceof BbqlError || error instanceof PagingError) return { status: 400, body: errorBody(error.message) };
      throw error;
    }
  }

  /**
   * Git's smart HTTP at the clone link's path. Credentials as Atlassian documents them for git: the Bitbucket
   * username or `x-bitbucket-api-token-auth` with an API token, the username with an app password (not the
   * email, which only the API takes). Wrong, expired or revoked credentials get 401 and a Basic challenge;
   * none get the challenge too unless the repository is public; good credentials for a repository that is
   * missing or not theirs get 403 (see gitNoAccess).
   */
  private serveGitRequest(request: FakeRequest, git: GitRequestPath): Promise<FakeResponse> | FakeResponse {
    const credentials = basicCredentials(request);
    const repo = this.findRepository(git.workspace, git.slug);
    if (credentials) {
      if (!this.acceptsGitCredentials(credentials.username, credentials.password)) return gitAuthRequired(GIT_REALM);
    } else if (!repo || repo.isPrivate) {
      return gitAuthRequired(GIT_REALM);
    }
    if (!repo?.git) return gitNoAccess();
    return serveGit(request, { projectRoot: repo.git.projectRoot, pathInfo: git.pathInfo });
  }

  /** 403 naming the missing scopes when the request used an API token created without them (observed body, contract/error-bodies.json). */
  private requireScopes(auth: CredentialKind, required: readonly string[]): FakeResponse | null {
    if (auth !== 'apiToken' || this.apiTokenScopes === null) return null;
    const granted = this.apiTokenScopes;
    if (required.every((scope) => granted.includes(scope))) return null;
    const body = errorBody('Your credentials lack one or more required privilege scopes.');
    body.error.detail = { granted, required: [...required] };
    return { status: 403, body };
  }

  /**
   * GET /workspaces/{workspace}/permissions/repositories/{repo_slug}: each account's effective permission, the
   * fake's user first; admin:repository:bitbucket for API tokens; repository admins only (403), 404 for a
   * repository the user cannot see. `q` filters by user (uuid, account_id, nickname, display_name) or permission.
   */
  private repositoryPermissions(request: FakeRequest, auth: CredentialKind, workspace: string, slug: string): FakeResponse {
    const refused = this.requireScopes(auth, ['admin:repository:bitbucket']);
    if (refused) return refused;
    const repo = this.findRepository(workspace, slug);
    if (!repo) return { status: 404, body: errorBody(`Repository ${workspace}/${slug} not found`) };
    if (this.permissionOn(repo) !== 'admin') return { status: 403, body: errorBody('You must be an administrator of this repository to view its permissions') };
    const entries = [{ user: this.user, permission: this.permissionOn(repo) }, ...(repo.members ?? [])];
    const items = entries.map((e) => repositoryPermissionBody(e.user, e.permission, repo, this.apiUrl));
    return this.paginate(request, items, ['user.uuid', 'user.account_id', 'user.nickname', 'user.display_name', 'permission'], {
      'user.display_name': (a, b) => compare(a.user.display_name, b.user.display_name),
    });
  }

  /** GET …/diffstat/{spec} of a git repository (./diffstat.ts), read:repository:bitbucket, paginated 500 (max 5000) per page. */
  private diffstat(request: FakeRequest, auth: CredentialKind, workspace: string, slug: string, spec: string): FakeResponse {
    const refused = this.requireScopes(auth, ['read:repository:bitbucket']);
    if (refused) return refused;
    const repo = this.findRepository(workspace, slug);
    if (!repo) return { status: 404, body: errorBody(`Repository ${workspace}/${slug} not found`) };
    if (!repo.git) return { status: 404, body: errorBody(`Revision ${spec} not found`) };
    const outcome = diffstat(repo.git, spec, request.url.searchParams, { api: this.apiUrl, fullName: `${workspace}/${slug}` });
    if ('badRequest' in outcome) return { status: 400, body: errorBody(outcome.badRequest) };
    if ('missing' in outcome) return { status: 404, body: errorBody(`Revision ${outcome.missing} not found`) };
    return this.paginate(request, outcome.entries, [], {}, { defaultPagelen: 500, maxPagelen: 5000 });
  }

  /**
   * POST and GET …/hooks, GET and DELETE …/hooks/{uid} (official spec): the API token scopes of ./hooks.ts
   * hookScopes, the repository (404), admin permission on it (403), then the operation: 201 with a Location
   * header, the list, the hook, or 204; a uid the repository has no hook for is 404.
   */
  private hookRequest(request: FakeRequest, auth: CredentialKind, workspace: string, slug: string, uid: string | undefined): FakeResponse {
    const allowed = uid === undefined ? ['GET', 'POST'] : ['GET', 'DELETE'];
    if (!allowed.includes(request.method)) return { status: 405, body: errorBody('Method not allowed') };
    const input = request.method === 'POST' ? readHookInput(request.body) : null;
    const refused = this.requireScopes(auth, hookScopes(request.method, input && 'events' in input ? input.events : []));
    if (refused) return refused;
    const repo = this.findRepository(workspace, slug);
    if (!repo) return { status: 404, body: errorBody(`Repository ${workspace}/${slug} not found`) };
    if (this.permissionOn(repo) !== 'admin') return { status: 403, body: errorBody('You do not have permission to manage webhooks on this repository') };
    const fullName = `${workspace}/${slug}`;
    const subject = { type: 'repository', full_name: fullName, name: repo.name, uuid: repo.uuid };
    if (input) {
      if ('status' in input) return input;
      const hook = createHook(fullName, input);
      this.hooks.push(hook);
      const self = `${this.apiUrl}/repositories/${fullName}/hooks/${encodeURIComponent(hook.uuid)}`;
      return { status: 201, headers: { location: self }, body: hookBody(hook, this.apiUrl, subject) };
    }
    if (uid === undefined) return this.paginate(request, this.hooksOf(fullName).map((h) => hookBody(h, this.apiUrl, subject)), ['url', 'description'], {});
    const hook = this.hooksOf(fullName).find((h) => sameUid(h, uid));
    if (!hook) return { status: 404, body: errorBody(`Webhook ${uid} not found`) };
    if (request.method === 'GET') return { status: 200, body: hookBody(hook, this.apiUrl, subject) };
    this.hooks.splice(this.hooks.indexOf(hook), 1);
    return { status: 204 };
  }

  private acceptsGitCredentials(user: string, secret: string): boolean {
    const { apiToken, username, appPassword } = this.credentials;
    if ((user === username || user === API_TOKEN_GIT_USERNAME) && secret === apiToken) return !this.apiTokensExpired;
    if (user === username && secret === appPassword) return !this.appPasswordsRemoved;
    return false;
  }

  private repositoryJson(repo: SeedRepository): Record<string, unknown> {
    return repositoryBody(repo, this.workspaces.get(repo.workspace)!, this.user, this.apiUrl, this.webOf(repo));
  }

  /** Where a repository's pages and git live: the fake itself for a git repository, else bitbucket.org. */
  private webOf(repo: SeedRepository): string {
    return repo.git ? this.url : BITBUCKET_WEB;
  }

  /** POST …/commit/{commit}/statuses/build: 404 when the commit does not exist (official spec). */
  private createStatus(request: FakeRequest, repo: SeedRepository, id: string): FakeResponse {
    const commit = this.refs(repo).findCommit(id);
    if (!commit) return { status: 404, body: errorBody(`Commit ${id} not found`) };
    return postStatus(this.statuses, {
      repository: `${repo.workspace}/${repo.slug}`,
      commit: commit.sha,
      body: request.body,
      callerUuid: this.user.uuid,
      callerIsAdmin: this.permissionOn(repo) === 'admin',
      api: this.apiUrl,
    });
  }

  private refs(repo: SeedRepository): RepositoryRefs {
    return new RepositoryRefs(repo, { api: this.apiUrl, web: this.webOf(repo) });
  }

  private permissionOn(repo: SeedRepository): 'read' | 'write' | 'admin' {
    return repo.permission ?? (this.workspaces.get(repo.workspace)?.permission === 'owner' ? 'admin' : 'write');
  }

  private authenticate(request: FakeRequest): CredentialKind | 'denied' {
    const header = request.headers.authorization ?? '';
    const match = /^basic\s+(.+)$/i.exec(header);
    if (!match) return 'denied';
    const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const [user, secret] = [decoded.slice(0, colon), decoded.slice(colon + 1)];
    const { email, apiToken, username, appPassword } = this.credentials;
    if (user === email && secret === apiToken) return this.apiTokensExpired ? 'denied' : 'apiToken';
    if (user === username && secret === appPassword) return this.appPasswordsRemoved ? 'denied' : 'appPassword';
    return 'denied';
  }

  private findRepository(workspace: string, slug: string): SeedRepository | undefined {
    const ws = this.workspaces.get(workspace);
    if (!ws || ws.permission === null) return undefined;
    return this.repositories.find((r) => r.workspace === workspace && r.slug === slug);
  }

  private memberships(request: FakeRequest): FakeResponse {
    const items = [...this.workspaces.values()].filter((w) => w.permission !== null).map((w) => membershipBody(this.user, w, this.apiUrl));
    return this.paginate(request, items, ['workspace.slug', 'permission'], {});
  }

  private listRepositories(request: FakeRequest, workspace: string | null): FakeResponse {
    let visible: SeedRepository[];
    if (workspace === null) {
      // GET /repositories: all public repositories, or the user's with `role`.
      const role = request.url.searchParams.get('role');
      if (request.url.searchParams.has('q') && !role) throw new BbqlError('q requires the role parameter');
      visible = role ? this.repositories.filter((r) => this.workspaces.get(r.workspace)?.permission) : this.repositories.filter((r) => !r.isPrivate);
    } else {
      const ws = this.workspaces.get(workspace);
      if (!ws) return { status: 404, body: errorBody(`No workspace with identifier '${workspace}'.`) };
      visible = ws.permission === null ? [] : this.repositories.filter((r) => r.workspace === workspace);
    }
    const items = visible.map((r) => this.repositoryJson(r));
    return this.paginate(request, items, ['name', 'full_name', 'slug', 'description'], {
      full_name: (a, b) => compare(a.full_name, b.full_name),
      name: (a, b) => compare(a.name, b.name),
      slug: (a, b) => compare(a.slug, b.slug),
      updated_on: (a, b) => compare(a.updated_on, b.updated_on),
      created_on: (a, b) => compare(a.created_on, b.created_on),
    });
  }

  private listBranches(request: FakeRequest, repo: SeedRepository): FakeResponse {
    // Default order: git's, i.e. lexical on the ref name. `sort=name` is natural order.
    const items = this.refs(repo).branches();
    return this.paginate(request, items, ['name'], { name: (a, b) => natural.compare(a.name, b.name) });
  }

  private listRestrictions(request: FakeRequest, repo: SeedRepository): FakeResponse {
    if (this.restrictionsForbidden) return { status: 403, body: errorBody('You do not have admin access to this repository') };
    return this.paginate(
      request,
      repo.restrictions.map((r) => restrictionBody(r, repo, this.apiUrl)),
      ['kind', 'pattern'],
      {},
    );
  }

  /**
   * Bitbucket's paginated envelope: `values`, `pagelen`, `page`, optional `size`, and an absolute `next`/`previous`.
   * `limits` are the endpoint's own pagelen default and maximum where the spec gives others than 10 and 100.
   */
  private paginate(
    request: FakeRequest,
    items: Record<string, any>[],
    queryFields: string[],
    sorts: Record<string, (a: any, b: any) => number>,
    limits: { defaultPagelen: number; maxPagelen: number } = { defaultPagelen: DEFAULT_PAGELEN, maxPagelen: MAX_PAGELEN },
  ): FakeResponse {
    const params = request.url.searchParams;
    const pagelen = params.has('pagelen') ? Number(params.get('pagelen')) : limits.defaultPagelen;
    if (!Number.isInteger(pagelen) || pagelen < 1 || pagelen > limits.maxPagelen) throw new PagingError(`Invalid pagelen: must be between 1 and ${limits.maxPagelen}`);
    const page = params.has('page') ? Number(params.get('page')) : 1;
    if (!Number.isInteger(page) || page < 1) throw new PagingError('Invalid page');
    let list = items;
    const q = params.get('q');
    if (q) list = list.filter(parseBbql(q, queryFields));
    const sort = params.get('sort');
    if (sort) {
      const descending = sort.startsWith('-');
      const by = sorts[sort.replace(/^-/, '')];
      if (!by) throw new BbqlError(`Invalid sort field: ${sort}`);
      list = [...list].sort((a, b) => (descending ? -by(a, b) : by(a, b)));
    }
    const start = (page - 1) * pagelen;
    if (page > 1 && start >= list.length) return { status: 404, body: errorBody('Invalid page') };
    const values = list.slice(start, start + pagelen);
    const link = (n: number) => {
      const url = new URL(request.url.pathname + request.url.search, this.url);
      url.searchParams.set('page', String(n));
      if (this.cursorNext) url.searchParams.set('ctx', sha(`${url.pathname}:${n}`).slice(0, 16));
      return url.toString();
    };
    const body: Record<string, unknown> = { pagelen, page, values };
    if (!this.omitSize) body.size = list.length;
    if (start + pagelen < list.length) body.next = link(page + 1);
    if (page > 1) body.previous = link(page - 1);
    return { status: 200, body };
  }
}

class PagingError extends Error {}

type CredentialKind = 'apiToken' | 'appPassword';

const natural = new Intl.Collator('en', { numeric: true });


function uuid(seed: string): string {
  const h = sha(seed);
  return `{${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}}`;
}
