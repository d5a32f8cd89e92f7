import { FakeForge, type FakeRequest, type FakeResponse } from '../fake-server.js';
import type { TestGitRepository } from '../git/repository.js';
import { accessOf, atLeast, isCollaborator } from './access.js';
import { commitStatusBody, GiteaCommitStatuses, readCreateStatusOption, STATE_COLUMN_LENGTH, type FakeGiteaCommitStatus } from './commit-statuses.js';
import { commitBody, findCommit, isValidRefPattern, type FakeGiteaCommit } from './commits.js';
import { compareRefs, listCommits } from './compare.js';
import { giteaExamples, type Json } from './contract.js';
import { isGitRoute, serveGiteaGit, type GiteaGitHost } from './git-http.js';
import { GiteaGitRepositories, type GiteaGitRepositoryOptions } from './git-repositories.js';
import { GiteaHooks, hookBody, readCreateHookOption, type FakeGiteaHook } from './hooks.js';
import { GiteaOAuth } from './oauth.js';
import { seedGitea, type FakeGiteaAccount, type FakeGiteaBranch, type FakeGiteaData, type FakeGiteaRepository, type GiteaAccessMode, type GiteaSeedOptions } from './seed.js';

/** Token scope categories Gitea checks per route group (read:<category> or write:<category>, or `all`). */
export type GiteaScope = `${'read' | 'write'}:${'user' | 'repository' | 'organization' | 'misc'}` | 'all';

interface FakeToken {
  login: string;
  scopes: GiteaScope[];
  expired: boolean;
}

export interface FakeGiteaOptions {
  seed: GiteaSeedOptions;
  /** Tokens (PATs or OAuth access tokens) the fake accepts, all acting as the seeded user with scope `all`. */
  tokens?: string[];
  /** `[api] MAX_RESPONSE_ITEMS` (default 50) and `DEFAULT_PAGING_NUM` (default 30). */
  maxResponseItems?: number;
  defaultPagingNum?: number;
  /** Whether GET …/compare/{basehead} takes commit ids (Gitea 1.23 and later; default true). */
  compareAcceptsCommitIds?: boolean;
}

/**
 * A Gitea 1.22 API (`<ROOT_URL>api/v1`) on 127.0.0.1, following shared/contracts (section 4 and 5):
 * `Authorization: token|bearer` auth where an unknown or expired token leaves the request anonymous, so routes
 * that need a user answer 401 `token is required`; per-category token scopes (403); `limit` clamped to
 * MAX_RESPONSE_ITEMS (50) and defaulting to 30; `Link` (next,last,first,prev joined by "," with no space,
 * absolute on ROOT_URL) and `X-Total-Count`; 404 `The target couldn't be found.`; no rate limiting unless a
 * reverse proxy in front is switched on. Bodies are the contract examples with values overridden.
 * Repositories attached with `addGitRepository` answer from real git data (branches, commits, clone URL) and are
 * served over git smart HTTP at their clone URL (./git-http.ts); `GET …/git/commits/{ref}` resolves refs
 * (./commits.ts) and `POST …/statuses/{sha}` records commit statuses (./commit-statuses.ts), both as Gitea 1.22's
 * handlers do (the swagger excerpt in shared/contracts has neither, so each cites the Gitea source it follows).
 * Also from Gitea's source: GET …/compare/{basehead} and GET …/commits (./compare.ts), the collaborator checks
 * (…/collaborators/{login} and …/permission, with access modes from ./access.ts), and the repository webhooks
 * (POST/GET …/hooks, GET/DELETE …/hooks/{id}, ./hooks.ts; the swagger excerpt has the first two).
 */
export class FakeGitea extends FakeForge {
  readonly data: FakeGiteaData;
  private readonly tokens = new Map<string, FakeToken>();
  /** OAuth applications, /login/oauth/authorize and /login/oauth/access_token (both grants): see ./oauth.ts. */
  readonly oauth: GiteaOAuth = new GiteaOAuth({ login: () => this.data.user.login, issueToken: (token, options) => this.issueToken(token, options) });
  private readonly maxResponseItems: number;
  private readonly defaultPagingNum: number;
  private publicRootUrl: string | null = null;
  private proxyRetryAfterSeconds: number | null = null;
  private readonly gitRepositories: GiteaGitRepositories;
  private readonly statuses = new GiteaCommitStatuses();
  private readonly repositoryHooks = new GiteaHooks();
  /** Gitea 1.23+ compares commit ids; false answers them 404 as Gitea 1.22 does. */
  compareAcceptsCommitIds: boolean;
  private readonly compareAcceptsCommitIdsInitially: boolean;
  private readonly gitHost: GiteaGitHost = {
    repository: (owner, name) => this.repository(`${owner}/${name}`),
    account: (login) => this.data.accounts.find((a) => a.login.toLowerCase() === login.toLowerCase()),
    tokenAccount: (token) => this.tokenAccount(token),
    canRead: (repo, login) => !repo.isPrivate || this.isReachable(repo, login),
    projectRoot: () => this.gitRepositories.projectRoot,
  };

  constructor(options: FakeGiteaOptions) {
    super();
    this.data = seedGitea(options.seed);
    this.gitRepositories = new GiteaGitRepositories(this.data);
    for (const token of options.tokens ?? []) this.issueToken(token);
    this.maxResponseItems = options.maxResponseItems ?? 50;
    this.defaultPagingNum = options.defaultPagingNum ?? 30;
    this.compareAcceptsCommitIds = this.compareAcceptsCommitIdsInitially = options.compareAcceptsCommitIds ?? true;
  }

  /** Gitea's ROOT_URL (with the trailing slash): links and html/clone URLs are built on it. */
  get rootUrl(): string {
    return this.publicRootUrl ?? `${this.server.url}/`;
  }

  /** Serve as if ROOT_URL were this public address while being reached on 127.0.0.1 (an internal URL). */
  setRootUrl(url: string | null): void {
    this.publicRootUrl = url === null ? null : url.replace(/\/*$/, '/');
  }

  issueToken(token: string, { login = this.data.user.login, scopes = ['all'] }: { login?: string; scopes?: GiteaScope[] } = {}): string {
    this.tokens.set(token, { login, scopes, expired: false });
    return token;
  }

  /** The token stops working (expired OAuth token, deleted PAT): Gitea then treats requests as anonymous. */
  expireToken(token: string): void {
    const entry = this.tokens.get(token);
    if (entry) entry.expired = true;
  }

  setTokenScopes(token: string, scopes: GiteaScope[]): void {
    const entry = this.tokens.get(token);
    if (entry) entry.scopes = scopes;
  }

  /** A reverse proxy in front of Gitea answers every request with 429 and `Retry-After` (null switches it off). */
  rateLimitByProxy(retryAfterSeconds: number | null): void {
    this.proxyRetryAfterSeconds = retryAfterSeconds;
  }

  /**
   * A repository `owner/name` backed by a real bare git repository: its branches, commits and clone URL answer
   * from git, and `<ROOT_URL>owner/name.git` serves it over smart HTTP. Commit to the returned repository.
   */
  addGitRepository(fullName: string, options: GiteaGitRepositoryOptions = {}): TestGitRepository {
    return this.gitRepositories.add(fullName, options);
  }

  /** The commit statuses posted to a repository (optionally to one commit), oldest first. */
  commitStatuses(fullName: string, sha?: string): FakeGiteaCommitStatus[] {
    return this.statuses.of(fullName, sha);
  }

  /** The webhooks of a repository (`owner/name`, case-insensitive), oldest first. */
  hooks(fullName: string): FakeGiteaHook[] {
    return this.repositoryHooks.of(fullName);
  }

  /** A user account (for pull request authors and collaborators); an existing one is answered as is. */
  addUser(login: string, { isAdmin = false }: { isAdmin?: boolean } = {}): FakeGiteaAccount {
    const existing = this.data.accounts.find((a) => a.login.toLowerCase() === login.toLowerCase());
    if (existing) return existing;
    const account: FakeGiteaAccount = { id: Math.max(0, ...this.data.accounts.map((a) => a.id)) + 1, login, fullName: login, isOrganization: false, isAdmin, members: [] };
    this.data.accounts.push(account);
    return account;
  }

  /** Makes `login` an explicit collaborator of a repository with `mode` (PUT …/collaborators/{login} with a permission). */
  addCollaborator(fullName: string, login: string, mode: Exclude<GiteaAccessMode, 'none' | 'owner'> = 'write'): void {
    const repo = this.requireRepository(fullName);
    this.addUser(login);
    if (!isCollaborator(repo, login)) repo.collaborators.push(login);
    this.setAccess(fullName, login, mode);
  }

  /** Gives `login` this access mode on a repository (a team's, or a right taken away); null removes the entry. */
  setAccess(fullName: string, login: string, mode: GiteaAccessMode | null): void {
    const repo = this.requireRepository(fullName);
    repo.access ??= {};
    if (mode === null) delete repo.access[login.toLowerCase()];
    else repo.access[login.toLowerCase()] = mode;
  }

  private requireRepository(fullName: string): FakeGiteaRepository {
    const repo = this.repository(fullName);
    if (!repo) throw new Error(`${fullName} is not in the fake`);
    return repo;
  }

  override async stop(): Promise<void> {
    await super.stop();
    this.gitRepositories.remove();
  }

  /** Forget requests, faults, posted statuses and webhooks, and switch the proxy rate limit, public ROOT_URL and Gitea 1.22 compare off; tokens are kept. */
  override reset(): void {
    super.reset();
    this.statuses.clear();
    this.repositoryHooks.clear();
    this.compareAcceptsCommitIds = this.compareAcceptsCommitIdsInitially;
    this.proxyRetryAfterSeconds = null;
    this.publicRootUrl = null;
    for (const entry of this.tokens.values()) {
      entry.expired = false;
      entry.scopes = ['all'];
    }
  }

  // ---- what the seeded user sees, in Gitea's order (used by tests for expectations) ----

  /** GET /user/repos for `login`: owned, collaborations and the repositories of organizations it belongs to; name order. */
  reachableRepositories(login = this.data.user.login): FakeGiteaRepository[] {
    return this.data.repositories.filter((repo) => this.isReachable(repo, login)).sort(byName);
  }

  repository(fullName: string): FakeGiteaRepository | undefined {
    const [owner, name] = fullName.toLowerCase().split('/');
    return this.data.repositories.find((r) => r.owner.login.toLowerCase() === owner && r.name.toLowerCase() === name);
  }

  /** GET /repos/{o}/{r}/branches order: commit time, newest first, then name. */
  branchesInOrder(repo: FakeGiteaRepository): FakeGiteaBranch[] {
    return [...repo.branches].sort((a, b) => b.committedAt.getTime() - a.committedAt.getTime() || a.name.localeCompare(b.name));
  }

  // ---- the API ----

  protected handle(request: FakeRequest): FakeResponse | Promise<FakeResponse> {
    if (this.proxyRetryAfterSeconds !== null) {
      return { status: 429, headers: { 'retry-after': String(this.proxyRetryAfterSeconds), 'content-type': 'text/plain; charset=utf-8' }, body: '429 Too Many Requests' };
    }
    const oauth = this.oauth.handle(request);
    if (oauth) return oauth;
    const path = request.url.pathname;
    if (!path.startsWith('/api/') && isGitRoute(path)) return serveGiteaGit(request, this.gitHost);
    if (!path.startsWith('/api/v1/')) {
      return { status: 404, headers: { 'content-type': 'text/html; charset=utf-8' }, body: '<!DOCTYPE html><html><body>Page Not Found</body></html>' };
    }
    const doer = this.authenticate(request);
    const route = path.slice('/api/v1'.length);
    let match: RegExpMatchArray | null;

    if (request.method === 'POST' && (match = route.match(/^\/repos\/([^/]+)\/([^/]+)\/statuses\/([^/]+)$/))) {
      return this.createStatus(request, match, doer);
    }
    if ((match = route.match(/^\/repos\/([^/]+)\/([^/]+)\/hooks(?:\/([^/]+))?$/))) return this.hookRoute(request, match, doer);
    if (request.method !== 'GET') return this.error(405, { message: 'Method Not Allowed', url: `${this.rootUrl}api/swagger` });
    if ((match = route.match(/^\/repos\/([^/]+)\/([^/]+)\/compare\/(.+)$/))) return this.compare(request, match, doer);
    if ((match = route.match(/^\/repos\/([^/]+)\/([^/]+)\/commits$/))) return this.commits(request, match, doer);
    if ((match = route.match(/^\/repos\/([^/]+)\/([^/]+)\/collaborators\/([^/]+)(\/permission)?$/))) return this.collaborator(request, match, doer);
    if ((match = route.match(/^\/repos\/([^/]+)\/([^/]+)\/git\/commits\/([^/]+)$/))) {
      return this.singleCommit(request, match, doer);
    }

    if (route === '/user') {
      return this.requireToken(doer) ?? this.requireScope(request, 'user') ?? this.json(200, this.userBody(doer!));
    }
    if (route === '/user/repos') {
      const refused = this.requireToken(doer) ?? this.requireScope(request, 'repository');
      if (refused) return refused;
      return this.paginated(request, this.reachableRepositories(doer!.login), (repo) => this.repositoryBody(repo, doer));
    }
    if (route === '/repos/search') {
      const refused = doer ? this.requireScope(request, 'repository') : null;
      return refused ?? this.search(request, doer);
    }
    if ((match = route.match(/^\/repos\/([^/]+)\/([^/]+)$/))) {
      const repo = this.visibleRepository(decodeURIComponent(match[1]!), decodeURIComponent(match[2]!), doer);
      if (!repo) return this.error(404, giteaExamples.repoNotVisible());
      return this.requireScope(request, 'repository') ?? this.json(200, this.repositoryBody(repo, doer));
    }
    if ((match = route.match(/^\/repos\/([^/]+)\/([^/]+)\/branches$/))) {
      const repo = this.visibleRepository(decodeURIComponent(match[1]!), decodeURIComponent(match[2]!), doer);
      if (!repo) return this.error(404, giteaExamples.repoNotVisible());
      return this.requireScope(request, 'repository') ?? this.paginated(request, this.branchesInOrder(repo), (branch) => this.branchBody(repo, branch, doer));
    }
    if ((match = route.match(/^\/repos\/([^/]+)\/([^/]+)\/branches\/(.+)$/))) {
      const repo = this.visibleRepository(decodeURIComponent(match[1]!), decodeURIComponent(match[2]!), doer);
      if (!repo) return this.error(404, giteaExamples.repoNotVisible());
      const name = decodeURIComponent(match[3]!);
      const branch = repo.branches.find((b) => b.name === name);
      if (!branch) return this.error(404, { ...giteaExamples.notFound(), errors: [`branch does not exist [name: ${name}]`] });
      return this.requireScope(request, 'repository') ?? this.json(200, this.branchBody(repo, branch, doer));
    }
    return this.error(404, { ...giteaExamples.notFound(), errors: [] });
  }

  /** `Authorization: token <t>` or `Bearer <t>` (also the deprecated `?token=`/`?access_token=`); anything unknown is anonymous. */
  private authenticate(request: FakeRequest): FakeGiteaAccount | null {
    const header = request.headers.authorization;
    const fromHeader = typeof header === 'string' ? header.match(/^(?:token|bearer)\s+(\S+)\s*$/i)?.[1] : undefined;
    const token = fromHeader ?? request.url.searchParams.get('token') ?? request.url.searchParams.get('access_token');
    const signedIn = token ? this.tokenAccount(token) : null;
    if (!signedIn) return null;
    (request as FakeRequest & { scopes?: GiteaScope[] }).scopes = signedIn.scopes;
    return signedIn.account;
  }

  /** The account and scopes of a token that works now (known, not expired). */
  private tokenAccount(token: string): { account: FakeGiteaAccount; scopes: GiteaScope[] } | null {
    const entry = this.tokens.get(token);
    if (!entry || entry.expired || this.oauth.isExpired(token)) return null;
    const account = this.data.accounts.find((a) => a.login === entry.login);
    return account ? { account, scopes: entry.scopes } : null;
  }

  private requireToken(doer: FakeGiteaAccount | null): FakeResponse | null {
    return doer ? null : this.error(401, giteaExamples.unauthorized());
  }

  /** tokenRequiresScopes: reading needs read or write of the category, POST/PUT/PATCH/DELETE need write. */
  private requireScope(request: FakeRequest, category: 'user' | 'repository', level: 'read' | 'write' = 'read'): FakeResponse | null {
    const scopes = (request as FakeRequest & { scopes?: GiteaScope[] }).scopes;
    if (!scopes) return null; // anonymous: visibility rules apply instead
    if (scopes.includes('all') || scopes.includes(`write:${category}`) || (level === 'read' && scopes.includes(`read:${category}`))) return null;
    return this.error(403, { ...giteaExamples.insufficientScope(), message: `token does not have at least one of required scope(s): [${level}:${category}]` });
  }

  private isReachable(repo: FakeGiteaRepository, login: string): boolean {
    return repo.owner.login === login || repo.collaborators.includes(login) || repo.owner.members.includes(login);
  }

  /** Private repositories the doer cannot reach answer 404, exactly like unknown ones. */
  private visibleRepository(owner: string, name: string, doer: FakeGiteaAccount | null): FakeGiteaRepository | null {
    const repo = this.repository(`${owner}/${name}`);
    if (!repo) return null;
    if (!repo.isPrivate) return repo;
    return doer && this.isReachable(repo, doer.login) ? repo : null;
  }

  /**
   * GET /repos/{o}/{r}/git/commits/{sha} (routers/api/v1/repo/commits.go GetSingleCommit): `sha` is "a git ref
   * or commit sha"; an invalid ref name is 422, a ref that names no commit is `ctx.NotFound(ref)` (the ref as
   * the message). Middleware order as in routers/api/v1/api.go: token scope, then the repository.
   */
  private singleCommit(request: FakeRequest, match: RegExpMatchArray, doer: FakeGiteaAccount | null): FakeResponse {
    const refused = this.requireScope(request, 'repository');
    if (refused) return refused;
    const repo = this.visibleRepository(decodeURIComponent(match[1]!), decodeURIComponent(match[2]!), doer);
    if (!repo) return this.error(404, giteaExamples.repoNotVisible());
    const ref = decodeURIComponent(match[3]!);
    if (!isValidRefPattern(ref)) return this.error(422, { message: `no valid ref or sha: ${ref}` });
    const commit = findCommit(repo, ref);
    if (!commit) return this.error(404, { message: ref, errors: null });
    return this.json(200, this.commitJson(request, repo, commit, queryFlag(request, 'stat')));
  }

  /**
   * POST /repos/{o}/{r}/statuses/{sha} (routers/api/v1/repo/status.go NewCommitStatus, Gitea 1.22): token
   * scope write:repository (403), the repository (404), reqToken (401), reqRepoWriter (403 "user should have a
   * permission to write to a repo"), the JSON body (422), then CreateCommitStatus: `sha` goes through
   * GetCommit (so any ref works and the full id is stored) and an unknown one fails with 500, as does a state
   * longer than the column. 201 with the CommitStatus.
   */
  private createStatus(request: FakeRequest, match: RegExpMatchArray, doer: FakeGiteaAccount | null): FakeResponse {
    const refused = this.requireScope(request, 'repository', 'write');
    if (refused) return refused;
    const repo = this.visibleRepository(decodeURIComponent(match[1]!), decodeURIComponent(match[2]!), doer);
    if (!repo) return this.error(404, giteaExamples.repoNotVisible());
    const unauthorized = this.requireToken(doer);
    if (unauthorized) return unauthorized;
    if (!this.isReachable(repo, doer!.login)) return this.error(403, { message: 'user should have a permission to write to a repo' });
    const option = readCreateStatusOption(request);
    if ('unsupported' in option) return { status: 501, headers: { 'content-type': 'text/plain' }, body: option.unsupported };
    if ('error' in option) return this.error(422, { message: option.error });
    const commit = findCommit(repo, decodeURIComponent(match[3]!));
    // In production Gitea blanks a 500's message for anyone but a site administrator.
    if (!commit || option.state.length > STATE_COLUMN_LENGTH) return this.error(500, { message: '' });
    const status = this.statuses.record(`${repo.owner.login}/${repo.name}`, commit.sha, option, doer!.login);
    return this.json(201, commitStatusBody(status, this.rootUrl, this.accountBody(doer!)));
  }

  /** The repository of a /repos/{owner}/{repo}/… route after the token scope check, or the 404 / 403 answer. */
  private routeRepository(request: FakeRequest, match: RegExpMatchArray, doer: FakeGiteaAccount | null, level: 'read' | 'write'): FakeGiteaRepository | FakeResponse {
    const refused = this.requireScope(request, 'repository', level);
    if (refused) return refused;
    const repo = this.visibleRepository(decodeURIComponent(match[1]!), decodeURIComponent(match[2]!), doer);
    return repo ?? this.error(404, giteaExamples.repoNotVisible());
  }

  /**
   * GET /repos/{o}/{r}/compare/{basehead} (reqRepoReader(code), no token needed for a public repository): the
   * commits of ./compare.ts with convert.ToCommit (stat always; `verification` and `files` on unless false).
   */
  private compare(request: FakeRequest, match: RegExpMatchArray, doer: FakeGiteaAccount | null): FakeResponse {
    const repo = this.routeRepository(request, match, doer, 'read');
    if ('status' in repo) return repo;
    const outcome = compareRefs(repo, decodeURIComponent(match[3]!), this.compareAcceptsCommitIds);
    if (outcome.status === 404) return this.error(404, { ...giteaExamples.notFound(), errors: [] });
    // In production Gitea blanks a 500's message for anyone but a site administrator.
    if (outcome.status === 500) return this.error(500, { message: '' });
    const body = (commit: FakeGiteaCommit) => this.commitJson(request, repo, commit, true);
    return this.json(200, { total_commits: outcome.commits.length, commits: outcome.commits.map(body) });
  }

  /** GET /repos/{o}/{r}/commits?sha&not&page&limit (./compare.ts listCommits), paged like every Gitea listing plus X-Page, X-PerPage, X-PageCount, X-HasMore. */
  private commits(request: FakeRequest, match: RegExpMatchArray, doer: FakeGiteaAccount | null): FakeResponse {
    const repo = this.routeRepository(request, match, doer, 'read');
    if ('status' in repo) return repo;
    const query = request.url.searchParams;
    const outcome = listCommits(repo, query.get('sha'), query.get('not'));
    if (outcome.status === 404) return this.error(404, { message: `object does not exist [id: ${query.get('sha') ?? ''}, rel_path: ]` });
    if (outcome.status === 500) return this.error(500, { message: '' });
    const response = this.paginated(request, outcome.commits, (commit) => this.commitJson(request, repo, commit, queryFlag(request, 'stat')));
    const pageSize = Math.min(Number.parseInt(query.get('limit') ?? '', 10) > 0 ? Number(query.get('limit')) : this.defaultPagingNum, this.maxResponseItems);
    const page = Math.max(1, Number.parseInt(query.get('page') ?? '', 10) || 1);
    const pageCount = Math.ceil(outcome.commits.length / pageSize);
    Object.assign(response.headers!, { 'x-page': String(page), 'x-perpage': String(pageSize), 'x-pagecount': String(pageCount), 'x-hasmore': String(page < pageCount) });
    return response;
  }

  /** A commit as convert.ToCommit writes it; `verification` and `files` are query flags that default to on. */
  private commitJson(request: FakeRequest, repo: FakeGiteaRepository, commit: FakeGiteaCommit, stat: boolean): Json {
    return commitBody(repo, commit, {
      rootUrl: this.rootUrl,
      stat,
      verification: queryFlag(request, 'verification'),
      files: queryFlag(request, 'files'),
      userByEmail: (email) => {
        const account = this.data.accounts.find((a) => !a.isOrganization && `${a.login}@example.com` === email.toLowerCase());
        return account ? this.accountBody(account) : null;
      },
    });
  }

  /**
   * GET /repos/{o}/{r}/collaborators/{login} (IsCollaborator: 204 for an explicit collaborator, 404 otherwise,
   * 422 for an unknown user) and …/{login}/permission (GetRepoPermissions: only a site admin, a repo admin or the
   * user themself may ask, else 403; 404 for an unknown user; the access mode of ./access.ts). Both sit behind the
   * token scope, the repository and reqToken (routers/api/v1/repo/collaborators.go, routers/api/v1/api.go).
   */
  private collaborator(request: FakeRequest, match: RegExpMatchArray, doer: FakeGiteaAccount | null): FakeResponse {
    const repo = this.routeRepository(request, match, doer, 'read');
    if ('status' in repo) return repo;
    const unauthorized = this.requireToken(doer);
    if (unauthorized) return unauthorized;
    const login = decodeURIComponent(match[3]!);
    const user = this.data.accounts.find((a) => !a.isOrganization && a.login.toLowerCase() === login.toLowerCase());
    const missing = { message: `user does not exist [uid: 0, name: ${login}]` };
    if (!match[4]) {
      if (!user) return this.error(422, missing);
      return isCollaborator(repo, user.login) ? { status: 204 } : this.error(404, { ...giteaExamples.notFound(), errors: [] });
    }
    if (!doer!.isAdmin && doer!.login.toLowerCase() !== login.toLowerCase() && !atLeast(accessOf(repo, doer), 'admin')) {
      return this.error(403, { message: 'Only admins can query all permissions, repo admins can query all repo permissions, collaborators can query only their own' });
    }
    if (!user) return this.error(404, missing);
    const mode = accessOf(repo, user);
    return this.json(200, { permission: mode, role_name: mode, user: this.accountBody(user) });
  }

  /**
   * /repos/{o}/{r}/hooks and /hooks/{id} (routers/api/v1/repo/hook.go under reqToken and reqAdmin): the token
   * scope (write:repository to change, read to list), the repository, a token, admin access ("user should be an
   * owner or a collaborator with admin write of a repository"). POST reads the body as ./hooks.ts does (422) and
   * answers 201 with the Hook; DELETE answers 204, or 404 for a hook the repository does not have.
   */
  private hookRoute(request: FakeRequest, match: RegExpMatchArray, doer: FakeGiteaAccount | null): FakeResponse {
    const id = match[3];
    const allowed = id === undefined ? ['GET', 'POST'] : ['GET', 'DELETE'];
    if (!allowed.includes(request.method)) return this.error(405, { message: 'Method Not Allowed' });
    const repo = this.routeRepository(request, match, doer, request.method === 'GET' ? 'read' : 'write');
    if ('status' in repo) return repo;
    const unauthorized = this.requireToken(doer);
    if (unauthorized) return unauthorized;
    if (!atLeast(accessOf(repo, doer), 'admin')) return this.error(403, { message: 'user should be an owner or a collaborator with admin write of a repository' });
    const fullName = `${repo.owner.login}/${repo.name}`;
    if (id === undefined) {
      if (request.method === 'GET') return this.paginated(request, this.repositoryHooks.of(fullName), hookBody);
      const option = readCreateHookOption(request);
      if ('error' in option) return this.error(422, { message: option.error });
      return this.json(201, hookBody(this.repositoryHooks.create(fullName, option)));
    }
    // ctx.PathParamInt64: anything that is not a number is 0, which no hook has.
    const hookId = /^\d+$/.test(id) ? Number(id) : 0;
    const hook = this.repositoryHooks.find(fullName, hookId);
    if (!hook) return this.error(404, { ...giteaExamples.notFound(), errors: [] });
    if (request.method === 'GET') return this.json(200, hookBody(hook));
    this.repositoryHooks.remove(fullName, hookId);
    return { status: 204 };
  }

  /** GET /repos/search: keyword on the lower-case name (plus owner/name when it has one "/"), `uid` = owned or reachable, {ok, data}. */
  private search(request: FakeRequest, doer: FakeGiteaAccount | null): FakeResponse {
    const query = request.url.searchParams;
    const keyword = (query.get('q') ?? '').trim().toLowerCase();
    const uid = Number(query.get('uid') ?? 0);
    const sort = query.get('sort') ?? '';
    const order = query.get('order') || 'asc';
    const sorters: Record<string, (a: FakeGiteaRepository, b: FakeGiteaRepository) => number> = {
      alpha: byName,
      id: (a, b) => a.id - b.id,
      created: (a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id - b.id,
      updated: (a, b) => a.updatedAt.getTime() - b.updatedAt.getTime() || a.id - b.id,
    };
    if ((sort && !sorters[sort]) || (sort && order !== 'asc' && order !== 'desc')) {
      return this.error(422, { ...giteaExamples.validation(), message: sort && !sorters[sort] ? 'Invalid sort mode: "' + sort + '"' : 'Invalid sort order: "' + order + '"' });
    }
    const owner = uid ? this.data.accounts.find((a) => a.id === uid) : undefined;
    if (uid && !owner) return this.json(200, { ok: true, data: [] });
    const keywords = keyword ? keyword.split(',') : [];
    const matches = (repo: FakeGiteaRepository) => {
      if (keywords.length === 0) return true;
      return keywords.some((k) => {
        if (like(repo.name.toLowerCase(), k)) return true;
        const parts = keyword.split('/');
        return parts.length === 2 && like(repo.owner.login.toLowerCase(), parts[0]!) && like(repo.name.toLowerCase(), parts[1]!);
      });
    };
    const visible = this.data.repositories.filter((repo) => {
      const seen = !repo.isPrivate || (doer !== null && this.isReachable(repo, doer.login));
      const ofOwner = !owner || this.isReachable(repo, owner.login);
      return seen && ofOwner && matches(repo);
    });
    const compare = sorters[sort || 'alpha']!;
    visible.sort(order === 'desc' && sort ? (a, b) => compare(b, a) : compare);
    return this.paginated(request, visible, (repo) => this.repositoryBody(repo, doer), (data) => ({ ok: true, data }));
  }

  /** Gitea's ListOptions (page 1-based, limit clamped), SetLinkHeader and SetTotalCountHeader. */
  private paginated<T>(request: FakeRequest, all: T[], toBody: (item: T) => Json, wrap: (items: Json[]) => unknown = (items) => items): FakeResponse {
    const query = request.url.searchParams;
    const requestedLimit = Number.parseInt(query.get('limit') ?? '', 10);
    const pageSize = !(requestedLimit > 0) ? this.defaultPagingNum : Math.min(requestedLimit, this.maxResponseItems);
    const requestedPage = Number.parseInt(query.get('page') ?? '', 10);
    const page = requestedPage > 0 ? requestedPage : 1;
    const items = all.slice((page - 1) * pageSize, page * pageSize).map(toBody);
    const headers: Record<string, string> = { 'x-total-count': String(all.length), 'access-control-expose-headers': 'X-Total-Count' };
    const links = this.links(request, all.length, pageSize, page);
    if (links.length > 0) {
      headers.link = links.join(',');
      headers['access-control-expose-headers'] = 'X-Total-Count, Link';
    }
    return this.json(200, wrap(items), headers);
  }

  /** genAPILinks: next, last, first, prev, on ROOT_URL + request path, other query parameters kept (sorted, as Go encodes them). */
  private links(request: FakeRequest, total: number, pageSize: number, requestedPage: number): string[] {
    const totalPages = total === 0 ? 1 : Math.ceil(total / pageSize);
    const current = Math.min(requestedPage, totalPages);
    const link = (page: number, rel: string) => {
      const query = new URLSearchParams(request.url.searchParams);
      query.set('page', String(page));
      query.sort();
      return `<${this.rootUrl}${request.url.pathname.slice(1)}?${query.toString()}>; rel="${rel}"`;
    };
    const links: string[] = [];
    if (current < totalPages) links.push(link(current + 1, 'next'));
    if (current !== totalPages) links.push(link(totalPages, 'last'));
    if (current !== 1) links.push(link(1, 'first'));
    if (current > 1) links.push(link(current - 1, 'prev'));
    return links;
  }

  private accountBody(account: FakeGiteaAccount): Json {
    const root = this.rootUrl;
    return Object.assign(giteaExamples.user(), {
      id: account.id,
      login: account.login,
      full_name: account.fullName,
      email: account.isOrganization ? '' : `${account.login}@example.com`,
      html_url: `${root}${account.login}`,
      avatar_url: `${root}avatars/${account.id}`,
      is_admin: account.isAdmin,
    });
  }

  private userBody(account: FakeGiteaAccount): Json {
    return this.accountBody(account);
  }

  private repositoryBody(repo: FakeGiteaRepository, doer: FakeGiteaAccount | null): Json {
    const root = this.rootUrl;
    const fullName = `${repo.owner.login}/${repo.name}`;
    const host = new URL(root).hostname;
    const access = accessOf(repo, doer);
    return Object.assign(giteaExamples.repository(), {
      id: repo.id,
      owner: this.accountBody(repo.owner),
      name: repo.name,
      full_name: fullName,
      description: repo.description,
      private: repo.isPrivate,
      empty: repo.branches.length === 0,
      default_branch: repo.defaultBranch,
      html_url: `${root}${fullName}`,
      clone_url: `${root}${fullName}.git`,
      ssh_url: `ssh://git@${host}:2222/${fullName}.git`,
      url: `${root}api/v1/repos/${fullName}`,
      languages_url: `${root}api/v1/repos/${fullName}/languages`,
      created_at: repo.createdAt.toISOString().replace('.000', ''),
      updated_at: repo.updatedAt.toISOString().replace('.000', ''),
      permissions: { admin: atLeast(access, 'admin'), push: atLeast(access, 'write'), pull: atLeast(access, 'read') },
    });
  }

  private branchBody(repo: FakeGiteaRepository, branch: FakeGiteaBranch, doer: FakeGiteaAccount | null): Json {
    const body = giteaExamples.branch();
    const fullName = `${repo.owner.login}/${repo.name}`;
    const canPush = doer !== null && this.isReachable(repo, doer.login);
    return Object.assign(body, {
      name: branch.name,
      commit: Object.assign(body.commit as Json, {
        id: branch.sha,
        message: branch.commitMessage ?? `Update ${branch.name}\n`,
        timestamp: branch.committedAt.toISOString().replace('.000Z', 'Z'),
        url: `${this.rootUrl}${fullName}/commit/${branch.sha}`,
      }),
      protected: branch.isProtected,
      effective_branch_protection_name: branch.isProtected ? branch.name : '',
      user_can_push: canPush && !branch.isProtected,
      user_can_merge: canPush,
    });
  }

  private json(status: number, body: unknown, headers: Record<string, string> = {}): FakeResponse {
    return { status, headers: { 'content-type': 'application/json;charset=utf-8', ...headers }, body };
  }

  /** An APIError body; `url` always points at ROOT_URL's swagger page. */
  private error(status: number, body: Json): FakeResponse {
    return this.json(status, { ...body, url: `${this.rootUrl}api/swagger` });
  }
}

/** convert.ParseCommitOptions: a flag is on when absent or empty, otherwise strconv.ParseBool (bad values are false). */
function queryFlag(request: FakeRequest, name: string): boolean {
  const value = request.url.searchParams.get(name);
  return value === null || value === '' || ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value);
}

/** Gitea sorts by name (SearchOrderByAlphabetically); the id keeps equal names in a fixed order here. */
function byName(a: FakeGiteaRepository, b: FakeGiteaRepository): number {
  return a.name.toLowerCase() < b.name.toLowerCase() ? -1 : a.name.toLowerCase() > b.name.toLowerCase() ? 1 : a.id - b.id;
}

/** SQL `LIKE '%keyword%'` as Gitea builds it: `%` and `_` in the keyword stay wildcards. */
function like(text: string, keyword: string): boolean {
  const pattern = keyword.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.');
  return new RegExp(pattern).test(text);
}
