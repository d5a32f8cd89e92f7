import { z } from 'zod';
import type { ParsedDelivery, PullRequestEvent, PushEvent } from '../events.js';
import { filesOf, ignored, readPayload, refOf, shaOrNull } from './common.js';

const payloadCommit = z.object({
  id: z.string(),
  message: z.string(),
  author: z.object({ name: z.string().nullish() }).nullish(),
  added: z.array(z.string()).nullish(),
  modified: z.array(z.string()).nullish(),
  removed: z.array(z.string()).nullish(),
});

const pushPayload = z.object({
  ref: z.string(),
  before: z.string(),
  after: z.string(),
  repository: z.object({ full_name: z.string() }),
  commits: z.array(payloadCommit).nullish(),
  total_commits: z.number().int().optional(),
  head_commit: payloadCommit.nullish(),
});

const pullRequestPayload = z.object({
  repository: z.object({ full_name: z.string() }),
  pull_request: z.object({
    number: z.number().int(),
    title: z.string(),
    user: z.object({ id: z.number(), login: z.string() }).nullish(),
    head: z.object({ ref: z.string(), sha: z.string(), repo_id: z.number() }),
    base: z.object({ ref: z.string(), repo_id: z.number() }),
  }),
});

const actionOnly = z.object({ action: z.string() });

/**
 * Gitea and Forgejo. `event` is the coarse X-Gitea-Event: every pull request hook type (pull_request_sync,
 * pull_request_label, ...) arrives as `pull_request`, told apart by the payload's action.
 */
export function parseGitea(event: string, payload: unknown): ParsedDelivery[] {
  switch (event) {
    case 'push':
      return parsePush(payload);
    case 'pull_request':
      return parsePullRequest(payload);
    default:
      return [ignored(`Gitea event '${event}' is not acted on`)];
  }
}

function parsePush(payload: unknown): ParsedDelivery[] {
  const read = readPayload(pushPayload, payload, 'Gitea push');
  if (!read.ok) return read.ignored;
  const push = read.data;
  const ref = refOf(push.ref);
  if (!ref) return [ignored(`Gitea push to ${push.ref} is neither a branch nor a tag`)];
  const before = shaOrNull(push.before);
  let after = shaOrNull(push.after);
  const commits = push.commits ?? [];
  const head = push.head_commit ?? commits.findLast((commit) => commit.id === after);
  // An annotated tag's `after` is the tag object; head_commit is the commit it points to.
  if (after && ref.refType === 'tag' && head) after = head.id;
  // Gitea may cut commits short and says so only through total_commits, which older releases do not send:
  // without it, or for a created ref (no base to diff against), the list cannot be trusted to be whole.
  const complete = before !== null && after !== null && push.total_commits !== undefined && push.total_commits <= commits.length;
  const event: PushEvent = {
    kind: 'push',
    repository: push.repository.full_name,
    ...ref,
    before,
    after,
    headCommit: head ? { sha: head.id, message: head.message, author: head.author?.name ?? null } : null,
    changedFiles: complete ? filesOf(commits) : null,
  };
  return [event];
}

function parsePullRequest(payload: unknown): ParsedDelivery[] {
  const head = readPayload(actionOnly, payload, 'Gitea pull_request');
  if (!head.ok) return head.ignored;
  const action = pullRequestAction(head.data.action);
  if (!action) return [ignored(`Gitea pull_request action '${head.data.action}' is not acted on`)];
  const read = readPayload(pullRequestPayload, payload, `Gitea pull_request ${head.data.action}`);
  if (!read.ok) return read.ignored;
  const pr = read.data.pull_request;
  const event: PullRequestEvent = {
    kind: 'pull_request',
    action,
    repository: read.data.repository.full_name,
    number: pr.number,
    title: pr.title,
    baseBranch: pr.base.ref,
    headBranch: pr.head.ref,
    headSha: pr.head.sha,
    fromFork: pr.head.repo_id !== pr.base.repo_id,
    author: { login: pr.user?.login ?? null, id: pr.user ? String(pr.user.id) : null },
    authorTrusted: null,
  };
  return [event];
}

// Gitea's HookIssueAction values (modules/structs/hook.go); a merge is sent as `closed`.
function pullRequestAction(action: string): PullRequestEvent['action'] | null {
  switch (action) {
    case 'opened':
    case 'reopened':
      return 'opened';
    case 'synchronized':
      return 'updated';
    case 'closed':
      return 'closed';
    default:
      return null;
  }
}
