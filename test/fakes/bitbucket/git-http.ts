import type { FakeResponse } from '../fake-server.js';

/** The realm bitbucket.org asks git for credentials in (observed; see contract/error-bodies.json). */
export const GIT_REALM = 'Bitbucket.org HTTP';

/** A git smart-HTTP request: the repository and the path `git http-backend` serves it under. */
export interface GitRequestPath {
  workspace: string;
  slug: string;
  /** `/{workspace}/{slug}.git/info/refs`, `…/git-upload-pack`, … */
  pathInfo: string;
}

/** `/{workspace}/{slug}.git/…`, the path of a repository's https clone link on bitbucket.org. */
export function gitRequestPath(pathname: string): GitRequestPath | null {
  const match = /^\/([^/]+)\/([^/]+)\.git(\/.*)$/.exec(pathname);
  if (!match) return null;
  const [, workspace, slug, rest] = match as unknown as [string, string, string, string];
  try {
    const [ws, repo] = [decodeURIComponent(workspace), decodeURIComponent(slug)];
    return { workspace: ws, slug: repo, pathInfo: `/${ws}/${repo}.git${rest}` };
  } catch {
    return null;
  }
}

/**
 * What bitbucket.org answers git when the credentials are good but the repository does not exist or is not
 * theirs: 403 with this text (Atlassian KB "Error 403 when performing Git operations", scenario 3).
 */
export function gitNoAccess(): FakeResponse {
  return {
    status: 403,
    headers: { 'content-type': 'text/plain' },
    body: "The requested repository either does not exist or you do not have access. If you believe this repository exists and you have access, make sure you're authenticated.\n",
  };
}
