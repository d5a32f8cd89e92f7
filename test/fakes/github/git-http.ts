import type { FakeRequest, FakeResponse } from '../fake-server.js';
import { basicCredentials, gitAuthRequired, serveGit } from '../git/http-backend.js';
import type { TestGitRepository } from '../git/repository.js';
import type { RepositoryRecord } from './bodies.js';

const GIT_PATH = /^\/([^/]+)\/([^/]+?)(?:\.git)?\/(info\/refs|git-upload-pack|git-receive-pack)$/;

export interface GitHttpLookup {
  /** The repository at owner/name (exactly as GitHub spells it: git URLs are case-sensitive) and its git data, or null. */
  repository(owner: string, name: string): { record: RepositoryRecord; git: TestGitRepository | null } | null;
  /** What an installation token still grants, or null when it is unknown, expired or revoked. */
  token(token: string): { permissions: Record<string, string>; suspended: boolean } | null;
  projectRoot: string | null;
}

const text = (status: number, body: string): FakeResponse => ({ status, headers: { 'content-type': 'text/plain' }, body });

/**
 * Git over smart HTTP at the repository's clone URL (`<host>/<owner>/<repo>.git`, also without `.git`), or null
 * when `path` is not a git path. Authentication follows "Authenticating as a GitHub App installation"
 * (docs.github.com/apps/creating-github-apps/authenticating-with-a-github-app/authenticating-as-a-github-app-installation):
 * HTTP Basic with the username `x-access-token` and an installation token as the password, for an App with the
 * "Contents" repository permission. Credentials GitHub does not accept answer 401 with `WWW-Authenticate: Basic`
 * (git reports "Authentication failed"); so does a request without credentials for anything but a public
 * repository, so that an anonymous caller learns nothing. With a valid token, a repository that does not exist
 * (or that the installation cannot reach) answers 404, which git reports as "Repository not found"
 * (docs.github.com/repositories/creating-and-managing-repositories/troubleshooting-cloning-errors), and a token
 * without "Contents" answers 403. Pushes are refused (403): the tests only fetch.
 */
export function gitRoute(request: FakeRequest, path: string, lookup: GitHttpLookup): Promise<FakeResponse> | FakeResponse | null {
  const match = GIT_PATH.exec(path);
  if (!match) return null;
  const [, owner, name, endpoint] = match.map((part) => decodeURIComponent(part)) as [string, string, string, string];
  const found = lookup.repository(owner, name);
  const credentials = basicCredentials(request);
  const unauthorized = { ...gitAuthRequired('GitHub'), body: 'Invalid username or password.\n' };

  if (!credentials) {
    if (!found || found.record.isPrivate) return unauthorized;
  } else {
    const token = credentials.username === 'x-access-token' ? lookup.token(credentials.password) : null;
    if (!token) return unauthorized;
    if (token.suspended) return text(403, 'This installation has been suspended.\n');
    if (!found) return text(404, 'Repository not found.\n');
    if (token.permissions.contents !== 'read' && token.permissions.contents !== 'write') {
      return text(403, `Permission to ${found.record.owner.login}/${found.record.name}.git denied to the installation.\n`);
    }
  }
  if (!found.git || !lookup.projectRoot) {
    return text(501, `The fake has no git data for ${found.record.owner.login}/${found.record.name} (seeded without a git repository)\n`);
  }
  return serveGit(request, { projectRoot: lookup.projectRoot, pathInfo: `/${found.record.owner.login}/${found.record.name}.git/${endpoint}` });
}
