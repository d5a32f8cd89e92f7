import type { FakeRequest, FakeResponse } from '../fake-server.js';
import { basicCredentials, serveGit } from '../git/http-backend.js';
import type { GiteaScope } from './fake-gitea.js';
import type { FakeGiteaAccount, FakeGiteaRepository } from './seed.js';

/** What the git routes need from FakeGitea. */
export interface GiteaGitHost {
  /** Gitea owner and repository names are case-insensitive. */
  repository(owner: string, name: string): FakeGiteaRepository | undefined;
  account(login: string): FakeGiteaAccount | undefined;
  /** The account and scopes of a token Gitea accepts now (known, not expired), or null. */
  tokenAccount(token: string): { account: FakeGiteaAccount; scopes: GiteaScope[] } | null;
  canRead(repo: FakeGiteaRepository, login: string): boolean;
  projectRoot(): string;
}

/** `/{owner}/{repo}[.git]/<git endpoint>`: the smart (and dumb) HTTP routes of routers/web/web.go. */
const GIT_ROUTE = /^\/([^/]+)\/([^/]+)\/(info\/refs|git-upload-pack|git-receive-pack|git-upload-archive|HEAD|objects\/.+)$/;

export function isGitRoute(pathname: string): boolean {
  return GIT_ROUTE.test(pathname);
}

const text = (status: number, body: string, headers: Record<string, string> = {}): FakeResponse => ({
  status,
  headers: { 'content-type': 'text/plain; charset=utf-8', ...headers },
  body,
});

/**
 * Git over HTTP as Gitea 1.22 serves it (routers/web/repo/githttp.go httpBase, services/auth/basic.go):
 * - HTTP Basic with a token as the password and any username (or the token as the username with an empty or
 *   `x-oauth-basic` password); `Authorization: token|bearer <t>` works too. Basic credentials Gitea does not
 *   accept fail the auth middleware itself: 401 "Verify" without a challenge, even for public repositories.
 * - Pulling a public repository needs no credentials; anything else without them is 401 with
 *   `WWW-Authenticate: Basic realm="Gitea"`.
 * - A token without a repository scope (read for pulls, write for pushes) is 403.
 * - A repository that does not exist, or that the user cannot read, is 404 "Repository not found"; an unknown
 *   owner is Gitea's 404 page.
 */
export async function serveGiteaGit(request: FakeRequest, host: GiteaGitHost): Promise<FakeResponse> {
  const match = request.url.pathname.match(GIT_ROUTE)!;
  const [ownerName, rawRepo, endpoint] = [decodeURIComponent(match[1]!), decodeURIComponent(match[2]!), match[3]!];
  const repoName = rawRepo.replace(/\.git$/, '');

  const service = endpoint === 'info/refs' ? (request.url.searchParams.get('service') ?? '') : endpoint.startsWith('git-') ? endpoint : '';
  if (service !== '' && !['git-upload-pack', 'git-receive-pack', 'git-upload-archive'].includes(service)) return { status: 400 };
  const isPull = service === 'git-upload-pack' || service === 'git-upload-archive' || (service === '' && (request.method === 'GET' || request.method === 'HEAD'));

  const auth = authenticate(request, host);
  if (auth === 'rejected') return text(401, 'Verify\n');

  const owner = host.account(ownerName);
  if (!owner) return { status: 404, headers: { 'content-type': 'text/html; charset=utf-8' }, body: '<!DOCTYPE html><html><body>Page Not Found</body></html>' };
  const repo = host.repository(owner.login, repoName);

  const isPublicPull = repo !== undefined && !repo.isPrivate && isPull;
  if (!isPublicPull) {
    if (!auth) return text(401, 'Unauthorized\n', { 'www-authenticate': 'Basic realm="Gitea"' });
    const needed = isPull ? ['read:repository', 'write:repository', 'all'] : ['write:repository', 'all'];
    if (!auth.scopes.some((s) => needed.includes(s))) return text(403, 'Forbidden\n');
    if (repo && !host.canRead(repo, auth.account.login)) return text(404, 'Repository not found\n');
  }
  if (!repo && !isPull) return text(403, `Push to create is not enabled for ${owner.isOrganization ? 'organizations' : 'users'}.`);
  if (!repo) return text(404, 'Repository not found\n');
  if (!repo.git) return text(500, `FakeGitea: ${owner.login}/${repo.name} is seeded without git data; use addGitRepository to serve one over git\n`);

  return serveGit(request, { projectRoot: host.projectRoot(), pathInfo: `/${owner.login}/${repo.name}.git/${endpoint}` });
}

/** The signed-in account, null for an anonymous request, or 'rejected' for Basic credentials Gitea refuses. */
function authenticate(request: FakeRequest, host: GiteaGitHost): { account: FakeGiteaAccount; scopes: GiteaScope[] } | null | 'rejected' {
  const basic = basicCredentials(request);
  if (basic) {
    const token = basic.password === '' || basic.password === 'x-oauth-basic' ? basic.username : basic.password;
    // Gitea then tries the pair as a username and password, which no fake account has.
    return host.tokenAccount(token) ?? 'rejected';
  }
  const header = request.headers.authorization;
  const bearer = typeof header === 'string' ? header.match(/^(?:token|bearer)\s+(\S+)\s*$/i)?.[1] : undefined;
  // The OAuth2 method leaves a request with an unknown token anonymous instead of failing it.
  return bearer ? host.tokenAccount(bearer) : null;
}
