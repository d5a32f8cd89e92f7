import { accountBody, fullNameOf, type Account, type FakeBase, type RepositoryRecord } from './bodies.js';
import type { CommitRecord } from './repository-content.js';

type Json = Record<string, unknown>;

/**
 * GET /repos/{owner}/{repo}/commits/{ref}: the `commit` schema (openapi-excerpt.json; its required fields,
 * shaped like the commit in examples/GET_repos_{owner}_{repo}_branches_{branch}.200.json). The GitHub users
 * behind the author and committer are unknown to the fake (null, as for an email GitHub cannot match), the
 * commit is unsigned, and the optional `stats` and `files` are left out.
 */
export function commitBody(base: FakeBase, repository: RepositoryRecord, commit: CommitRecord): Json {
  const fullName = fullNameOf(repository);
  const api = `${base.api}/repos/${fullName}`;
  return {
    sha: commit.sha,
    node_id: Buffer.from(`06:Commit${repository.id}:${commit.sha}`).toString('base64'),
    commit: {
      author: commit.author,
      committer: commit.committer,
      message: commit.message,
      tree: { sha: commit.tree, url: `${api}/git/trees/${commit.tree}` },
      url: `${api}/git/commits/${commit.sha}`,
      comment_count: 0,
      verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
    },
    url: `${api}/commits/${commit.sha}`,
    html_url: `${base.web}/${fullName}/commit/${commit.sha}`,
    comments_url: `${api}/commits/${commit.sha}/comments`,
    author: null,
    committer: null,
    parents: commit.parents.map((sha) => ({ sha, url: `${api}/commits/${sha}`, html_url: `${base.web}/${fullName}/commit/${sha}` })),
  };
}

/** A commit status as GitHub keeps it. */
export interface StatusRecord {
  id: number;
  repository: string;
  sha: string;
  state: 'error' | 'failure' | 'pending' | 'success';
  context: string;
  description: string | null;
  targetUrl: string | null;
  createdAt: string;
  /** The App's bot account the installation token acts as. */
  creator: Account;
}

/** POST /repos/{owner}/{repo}/statuses/{sha} → 201: the `status` schema (@octokit/openapi-types, components.schemas.status). */
export function statusBody(base: FakeBase, repository: RepositoryRecord, status: StatusRecord): Json {
  return {
    url: `${base.api}/repos/${fullNameOf(repository)}/statuses/${status.sha}`,
    avatar_url: null,
    id: status.id,
    node_id: Buffer.from(`012:StatusContext${status.id}`).toString('base64'),
    state: status.state,
    description: status.description,
    target_url: status.targetUrl,
    context: status.context,
    created_at: status.createdAt,
    updated_at: status.createdAt,
    creator: accountBody(base, status.creator),
  };
}

/** One entry of GET /repos/{owner}/{repo}/tags (the `tag` schema of repos/list-tags, its archive URLs as its examples write them). */
export function tagBody(base: FakeBase, repository: RepositoryRecord, tag: { name: string; sha: string }): Json {
  const fullName = fullNameOf(repository);
  return {
    name: tag.name,
    commit: { sha: tag.sha, url: `${base.api}/repos/${fullName}/commits/${tag.sha}` },
    zipball_url: `${base.web}/${fullName}/zipball/${encodeURIComponent(tag.name)}`,
    tarball_url: `${base.web}/${fullName}/tarball/${encodeURIComponent(tag.name)}`,
    node_id: Buffer.from(`03:Ref${repository.id}:refs/tags/${tag.name}`).toString('base64'),
  };
}
