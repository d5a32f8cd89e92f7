import { z } from 'zod';
import type { ParsedDelivery, PullRequestEvent, PushEvent } from '../events.js';
import { filesOf, ignored, readPayload, refOf, shaOrNull } from './common.js';

const pushPayload = z.object({
  ref: z.string(),
  before: z.string(),
  after: z.string(),
  checkout_sha: z.string().nullish(),
  project: z.object({ path_with_namespace: z.string() }),
  commits: z.array(
    z.object({
      id: z.string(),
      message: z.string(),
      author: z.object({ name: z.string().nullish() }).nullish(),
      added: z.array(z.string()).nullish(),
      modified: z.array(z.string()).nullish(),
      removed: z.array(z.string()).nullish(),
    }),
  ),
  total_commits_count: z.number().int(),
});

const mergeRequestHead = z.object({
  object_attributes: z.object({ action: z.string(), oldrev: z.string().nullish() }),
});

const mergeRequestPayload = z.object({
  user: z.object({ id: z.number(), username: z.string() }).nullish(),
  project: z.object({ path_with_namespace: z.string() }),
  object_attributes: z.object({
    iid: z.number().int(),
    title: z.string(),
    target_branch: z.string(),
    source_branch: z.string(),
    target_project_id: z.number(),
    source_project_id: z.number().nullable(),
    author_id: z.number(),
    last_commit: z.object({ id: z.string() }),
  }),
});

export function parseGitLab(event: string, payload: unknown): ParsedDelivery[] {
  switch (event) {
    case 'Push Hook':
      return parsePush(payload, 'branch');
    case 'Tag Push Hook':
      return parsePush(payload, 'tag');
    case 'Merge Request Hook':
      return parseMergeRequest(payload);
    default:
      return [ignored(`GitLab event '${event}' is not acted on`)];
  }
}

function parsePush(payload: unknown, expected: 'branch' | 'tag'): ParsedDelivery[] {
  const hook = expected === 'branch' ? 'Push Hook' : 'Tag Push Hook';
  const read = readPayload(pushPayload, payload, `GitLab ${hook}`);
  if (!read.ok) return read.ignored;
  const push = read.data;
  const ref = refOf(push.ref);
  if (ref?.refType !== expected) return [ignored(`GitLab ${hook} for ${push.ref} is not a ${expected} push`)];
  const before = shaOrNull(push.before);
  const pushedAfter = shaOrNull(push.after);
  // checkout_sha is the commit the ref points to; for an annotated tag `after` is the tag object.
  const after = pushedAfter && (shaOrNull(push.checkout_sha) ?? pushedAfter);
  const head = after ? push.commits.findLast((commit) => commit.id === after || commit.id === pushedAfter) : undefined;
  // commits holds the newest 20; a created ref has no base to diff against.
  const complete = before !== null && after !== null && push.total_commits_count <= push.commits.length;
  const event: PushEvent = {
    kind: 'push',
    repository: push.project.path_with_namespace,
    ...ref,
    before,
    after,
    headCommit: head ? { sha: head.id, message: head.message, author: head.author?.name ?? null } : null,
    changedFiles: complete ? filesOf(push.commits) : null,
  };
  return [event];
}

function parseMergeRequest(payload: unknown): ParsedDelivery[] {
  const head = readPayload(mergeRequestHead, payload, 'GitLab Merge Request Hook');
  if (!head.ok) return head.ignored;
  const { action: hookAction, oldrev } = head.data.object_attributes;
  const action = pullRequestAction(hookAction, oldrev);
  if (!action) {
    return [
      ignored(
        hookAction === 'update'
          ? 'GitLab Merge Request Hook update without new commits (no oldrev) is not acted on'
          : `GitLab Merge Request Hook action '${hookAction}' is not acted on`,
      ),
    ];
  }
  const read = readPayload(mergeRequestPayload, payload, `GitLab Merge Request Hook ${hookAction}`);
  if (!read.ok) return read.ignored;
  const { user, project, object_attributes: mr } = read.data;
  const event: PullRequestEvent = {
    kind: 'pull_request',
    action,
    repository: project.path_with_namespace,
    number: mr.iid,
    title: mr.title,
    baseBranch: mr.target_branch,
    headBranch: mr.source_branch,
    headSha: mr.last_commit.id,
    // A source project that is gone was a deleted fork.
    fromFork: mr.source_project_id === null || mr.source_project_id !== mr.target_project_id,
    // `user` is whoever triggered the event; its username is the author's only when they are the same person.
    author: { login: user && user.id === mr.author_id ? user.username : null, id: String(mr.author_id) },
    authorTrusted: null,
  };
  return [event];
}

function pullRequestAction(action: string, oldrev: string | null | undefined): PullRequestEvent['action'] | null {
  switch (action) {
    case 'open':
    case 'reopen':
      return 'opened';
    case 'update':
      // oldrev is present only when the update pushed commits.
      return oldrev ? 'updated' : null;
    case 'close':
    case 'merge':
      return 'closed';
    default:
      return null;
  }
}
