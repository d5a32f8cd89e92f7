import { FakeForge, type FakeRequest, type FakeResponse } from '../fake-server.js';
import { BbqlError, parseBbql } from './bbql.js';
import {
  branchBody,
  errorBody,
  membershipBody,
  RATE_LIMIT_TEXT,
  repositoryBody,
  restrictionBody,
  type SeedBranch,
  type SeedRepository,
  type SeedUser,
  type SeedWorkspace,
  sha,
  userBody,
} from './bodies.js';

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

const MAX_PAGELEN = 100;
const DEFAULT_PAGELEN = 10;

/**
 * A Bitbucket Cloud 2.0 fake on a real HTTP server, serving /2.0/… by the contract in
 * shared/contracts (README §3 and §5): Basic auth for both credential kinds, paginated JSON with an
 * absolute `next` (absent on the last page), pagelen capped at 100 (400 above), `{type:'error'}` bodies,
 * 429 "Rate limit for this resource has been exceeded" (optionally with Retry-After), BBQL `q` and `sort`.
 */
export class FakeBitbucket extends FakeForge {
  readonly user: SeedUser = { nickname: 'fake-dev', displayName: 'Fake Developer', accountId: '712020:0f6b5c1e-5d1a-4d4c-9a4b-7b3e5c2d1a00', uuid: '{a54f16da-24e9-4d7f-a3a7-b1ba2cd98aa3}' };
  readonly workspaces = new Map<string, SeedWorkspace>();
  readonly repositories: SeedRepository[] = [];

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

  /** Back to a well-behaved forge: switches off, recorded requests and pending faults forgotten. */
  override reset(): void {
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

  protected handle(request: FakeRequest): FakeResponse {
    const auth = this.authenticate(request);
    if (auth !== 'ok') {
      return { status: 401, headers: { 'WWW-Authenticate': 'Basic realm="Bitbucket.org HTTP"' }, body: errorBody('Unauthorized') };
    }
    if (this.rateLimited) {
      const headers: Record<string, string> = { 'content-type': 'text/plain' };
      if (this.rateLimited.retryAfterSeconds !== null) headers['retry-after'] = String(this.rateLimited.retryAfterSeconds);
      return { status: 429, headers, body: RATE_LIMIT_TEXT };
    }
    if (request.method !== 'GET') return { status: 405, body: errorBody('Method not allowed') };
    const path = request.url.pathname;
    if (!path.startsWith('/2.0/')) return { status: 404, body: errorBody('Resource not found') };
    const parts = path.slice('/2.0/'.length).split('/').map(decodeURIComponent);
    try {
      if (parts.join('/') === 'user') return { status: 200, body: userBody(this.user, this.apiUrl) };
      if (parts.join('/') === 'user/permissions/workspaces') return this.memberships(request);
      if (parts[0] === 'repositories') {
        if (parts.length === 1) return this.listRepositories(request, null);
        const workspace = parts[1]!;
        if (parts.length === 2) return this.listRepositories(request, workspace);
        const repo = this.findRepository(workspace, parts[2]!);
        if (!repo) return { status: 404, body: errorBody(`Repository ${workspace}/${parts[2]} not found`) };
        const rest = parts.slice(3).join('/');
        if (rest === '') return { status: 200, body: repositoryBody(repo, this.workspaces.get(repo.workspace)!, this.user, this.apiUrl) };
        if (rest === 'refs/branches') return this.listBranches(request, repo);
        if (rest === 'branch-restrictions') return this.listRestrictions(request, repo);
      }
      return { status: 404, body: errorBody('Resource not found') };
    } catch (error) {
      if (error instanceof BbqlError || error instanceof PagingError) return { status: 400, body: errorBody(error.message) };
      throw error;
    }
  }

  private authenticate(request: FakeRequest): 'ok' | 'denied' {
    const header = request.headers.authorization ?? '';
    const match = /^basic\s+(.+)$/i.exec(header);
    if (!match) return 'denied';
    const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const [user, secret] = [decoded.slice(0, colon), decoded.slice(colon + 1)];
    const { email, apiToken, username, appPassword } = this.credentials;
    if (user === email && secret === apiToken) return this.apiTokensExpired ? 'denied' : 'ok';
    if (user === username && secret === appPassword) return this.appPasswordsRemoved ? 'denied' : 'ok';
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
    const items = visible.map((r) => repositoryBody(r, this.workspaces.get(r.workspace)!, this.user, this.apiUrl));
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
    const items = [...repo.branches].sort((a, b) => compare(a.name, b.name)).map((b) => branchBody(b, repo, this.apiUrl));
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

  /** Bitbucket's paginated envelope: `values`, `pagelen`, `page`, optional `size`, and an absolute `next`/`previous`. */
  private paginate(request: FakeRequest, items: Record<string, any>[], queryFields: string[], sorts: Record<string, (a: any, b: any) => number>): FakeResponse {
    const params = request.url.searchParams;
    const pagelen = params.has('pagelen') ? Number(params.get('pagelen')) : DEFAULT_PAGELEN;
    if (!Number.isInteger(pagelen) || pagelen < 1 || pagelen > MAX_PAGELEN) throw new PagingError(`Invalid pagelen: must be between 1 and ${MAX_PAGELEN}`);
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

const natural = new Intl.Collator('en', { numeric: true });

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function uuid(seed: string): string {
  const h = sha(seed);
  return `{${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}}`;
}
