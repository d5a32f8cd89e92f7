import path from 'node:path';
import type { FakeRequest, FakeResponse } from '../fake-server.js';
import { basicCredentials, serveGit } from '../git/http-backend.js';
import type { FakeProject, FakeUser } from './data.js';

/**
 * Git over smart HTTP at the project's `http_url_to_repo` (`/<namespace>/<project>.git/info/refs`,
 * `…/git-upload-pack`, `…/git-receive-pack`), as GitLab answers it:
 * - app/controllers/repositories/git_http_client_controller.rb: HTTP Basic credentials are checked by
 *   lib/gitlab/auth.rb `find_for_git_client`, where an OAuth access token (or a personal access token) is the
 *   password whatever the username (the docs say `oauth2`); a wrong, expired or revoked token, or none for a
 *   project that is not public, is 401 `WWW-Authenticate: Basic realm="GitLab"` with "HTTP Basic: Access denied…";
 * - app/controllers/repositories/git_http_controller.rb + lib/gitlab/git_access.rb: a token whose scopes give no
 *   download_code (`abilities_for_scopes`: api, read_api, read_repository, write_repository do) is 403 "You are not
 *   allowed to download code."; a project that does not exist or that the user cannot see is 404 "The project
 *   you were looking for could not be found or you don't have permission to view it."; a project without a
 *   repository is 404 "A repository for this project does not exist yet."; HEAD on info/refs is 403.
 * The fake serves only projects backed by a real repository, and never accepts a push.
 */
export interface GitHttpHost {
  externalUrl: string;
  projectByPath(fullPath: string): FakeProject | undefined;
  canSeeProject(user: FakeUser | null, project: FakeProject): boolean;
  /** The user and scopes of a usable (known, unexpired, unrevoked) token, or null. */
  tokenOwner(token: string): { user: FakeUser; scopes: string[] } | null;
}

const ROUTE = /^\/(.+)\.git\/(info\/refs|git-upload-pack|git-receive-pack)$/;
const DOWNLOAD_SCOPES = ['api', 'read_api', 'read_repository', 'write_repository'];
const PUSH_SCOPES = ['api', 'write_repository'];
const TEXT = { 'content-type': 'text/plain; charset=utf-8' };

export function isGitHttpRequest(request: FakeRequest): boolean {
  return ROUTE.test(decodedPath(request) ?? '');
}

export async function handleGitHttp(request: FakeRequest, host: GitHttpHost): Promise<FakeResponse> {
  const match = ROUTE.exec(decodedPath(request) ?? '');
  if (!match) return { status: 404, headers: TEXT, body: 'Not Found' };
  const [, fullPath, endpoint] = match as unknown as [string, string, string];
  if (endpoint === 'info/refs' && request.method === 'HEAD') return { status: 403, headers: TEXT, body: '' };
  const command = endpoint === 'info/refs' ? request.url.searchParams.get('service') : endpoint;
  const download = command === 'git-upload-pack';
  const project = host.projectByPath(fullPath);

  let user: FakeUser | null = null;
  let scopes: string[] = [];
  const credentials = basicCredentials(request);
  if (credentials) {
    const owner = credentials.password ? host.tokenOwner(credentials.password) : null;
    if (!owner) return accessDenied(host);
    ({ user, scopes } = owner);
  } else if (!(download && project && project.visibility === 'public')) {
    return accessDenied(host);
  }

  if (command !== 'git-upload-pack' && command !== 'git-receive-pack') {
    return { status: 403, headers: TEXT, body: "The command you're trying to execute is not allowed." };
  }
  if (user && !scopes.some((scope) => (download ? DOWNLOAD_SCOPES : PUSH_SCOPES).includes(scope))) {
    return { status: 403, headers: TEXT, body: download ? 'You are not allowed to download code.' : 'You are not allowed to upload code.' };
  }
  if (!project || !host.canSeeProject(user, project)) {
    return { status: 404, headers: TEXT, body: "The project you were looking for could not be found or you don't have permission to view it." };
  }
  if (!project.git) return { status: 404, headers: TEXT, body: 'A repository for this project does not exist yet.' };

  const repository = project.git;
  const relative = path.relative(repository.projectRoot, repository.path).split(path.sep).join('/');
  return serveGit(request, { projectRoot: repository.projectRoot, pathInfo: `/${relative}/${endpoint}` });
}

function accessDenied(host: GitHttpHost): FakeResponse {
  const help = `${host.externalUrl}/help/topics/git/troubleshooting_git.md#error-on-git-fetch-http-basic-access-denied`;
  return {
    status: 401,
    headers: { ...TEXT, 'www-authenticate': 'Basic realm="GitLab"' },
    body: `HTTP Basic: Access denied. If a password was provided for Git authentication, the password was incorrect or you're required to use a token instead of a password. If a token was provided, it was either incorrect, expired, or improperly scoped. See ${help}`,
  };
}

function decodedPath(request: FakeRequest): string | null {
  try {
    return decodeURIComponent(request.url.pathname);
  } catch {
    return null;
  }
}
