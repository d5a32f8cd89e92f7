import type { Commit } from 'gitea-js';
import type { CommitInfo } from '../types.js';

/**
 * What Gitea accepts as the `{sha}` of GET /repos/{o}/{r}/git/commits/{sha} (modules/git/ref.go
 * IsValidRefPattern; anything else is 422). Checked here first, which also keeps `.`/`..` and the like out of
 * the request path.
 */
const REF_NAME_INVALID = /[\x00-\x1f\x7f \\~^:?*[]|^[/.]|\/\.|\.lock$|\.lock\/|\.\.|\/\/|@\{|[/.]$|^@$/;

export function isGiteaRefName(ref: string): boolean {
  return ref.length > 0 && !REF_NAME_INVALID.test(ref);
}

/** A Gitea `Commit`; git keeps a message's final newline and Gitea reports it, the neutral shape does not. */
export function toCommitInfo(commit: Commit): CommitInfo {
  const date = commit.commit?.committer?.date ?? commit.created;
  const committedAt = date ? new Date(date) : null;
  return {
    sha: commit.sha ?? '',
    message: (commit.commit?.message ?? '').replace(/\n+$/, ''),
    authorName: commit.commit?.author?.name || null,
    authorEmail: commit.commit?.author?.email || null,
    committedAt: committedAt && !Number.isNaN(committedAt.getTime()) ? committedAt : null,
  };
}
