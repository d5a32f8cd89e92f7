import type { RequestAuthor } from '../types.js';
import { bbqlString } from './bbql.js';
import type { BitbucketApi } from './client.js';
import { repositoryPath } from './repository-name.js';

/** Effective repository permissions that may push. */
const MAY_PUSH = new Set(['write', 'admin']);

/**
 * Whether the author may push to the repository: their effective permission (direct, group or workspace) from
 * GET /workspaces/{workspace}/permissions/repositories/{repo_slug}?q=user.uuid="{…}". Bitbucket shows it to
 * repository admins only (403 otherwise, as for an API token without admin:repository:bitbucket); credentials
 * that cannot read it, or a repository they cannot see (404), trust nobody. A 401 stays an error.
 */
export async function isTrustedAuthor(bb: BitbucketApi, repository: string, author: RequestAuthor): Promise<boolean> {
  const path = repositoryPath(repository);
  const q = userFilter(author.id);
  if (!q) return false;
  const { data } = await bb.callAnswering(
    { kind: 'repository', name: `${path.workspace}/${path.repo_slug}` },
    () => bb.client.GET('/workspaces/{workspace}/permissions/repositories/{repo_slug}', { params: { path, query: { q } } }),
    [403, 404],
  );
  return (data?.values ?? []).some((entry) => MAY_PUSH.has(entry.permission ?? '') && sameUser(entry.user, author.id!));
}

/** The BBQL filter for the account the payload names: its uuid (`{…}`, braces optional) or its Atlassian account id. */
function userFilter(id: string | null): string | null {
  const value = id?.trim();
  if (!value) return null;
  const uuid = /^\{?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\}?$/i.exec(value);
  if (uuid) return `user.uuid = ${bbqlString(`{${uuid[1]!.toLowerCase()}}`)}`;
  if (/^[0-9A-Za-z:-]{1,128}$/.test(value)) return `user.account_id = ${bbqlString(value)}`;
  return null;
}

/** The filter is Bitbucket's to apply; the answer is checked to be about that account all the same. */
function sameUser(user: { uuid?: string; account_id?: unknown } | undefined, id: string): boolean {
  const bare = (text: string) => text.trim().replace(/^\{|\}$/g, '').toLowerCase();
  if (user?.uuid && bare(user.uuid) === bare(id)) return true;
  return typeof user?.account_id === 'string' && user.account_id === id.trim();
}
