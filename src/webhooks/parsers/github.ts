import { z } from 'zod';
import type { InstallationEvent, ParsedDelivery, PullRequestEvent, PushEvent } from '../events.js';
import { filesOf, ignored, readPayload, refOf, shaOrNull } from './common.js';

const commitFiles = z.object({
  added: z.array(z.string()).nullish(),
  modified: z.array(z.string()).nullish(),
  removed: z.array(z.string()).nullish(),
});

const pushPayload = z.object({
  ref: z.string(),
  before: z.string(),
  after: z.string(),
  forced: z.boolean().optional(),
  repository: z.object({ full_name: z.string() }),
  commits: z.array(commitFiles).nullish(),
  head_commit: z
    .object({ id: z.string(), message: z.string(), author: z.object({ name: z.string().nullish() }).nullish() })
    .nullish(),
});

// The documented cap of `commits` (the Events API applies it; webhook deliveries are not promised to): at 20 or
// more the list may be cut, so the compare API answers instead.
const GITHUB_COMMITS_CAP = 20;

const TRUSTED_ASSOCIATIONS = new Set(['OWNER', 'MEMBER', 'COLLABORATOR']);

const pullRequestPayload = z.object({
  repository: z.object({ full_name: z.string() }),
  pull_request: z.object({
    number: z.number().int(),
    title: z.string(),
    user: z.object({ login: z.string(), id: z.number() }).nullish(),
    author_association: z.string().optional(),
    head: z.object({ ref: z.string(), sha: z.string(), repo: z.object({ full_name: z.string() }).nullable() }),
    base: z.object({ ref: z.string(), repo: z.object({ full_name: z.string() }) }),
  }),
});

const installationPayload = z.object({ installation: z.object({ id: z.number().int() }) });

const actionOnly = z.object({ action: z.string() });

export function parseGitHub(event: string, payload: unknown): ParsedDelivery[] {
  switch (event) {
    case 'push':
      return parsePush(payload);
    case 'pull_request':
      return parsePullRequest(payload);
    case 'installation':
      return parseInstallation(payload);
    case 'installation_repositories':
      return parseInstallationRepositories(payload);
    case 'ping': {
      const read = readPayload(z.object({}), payload, 'GitHub ping');
      return read.ok ? [{ kind: 'ping' }] : read.ignored;
    }
    default:
      return [ignored(`GitHub event '${event}' is not acted on`)];
  }
}

function parsePush(payload: unknown): ParsedDelivery[] {
  const read = readPayload(pushPayload, payload, 'GitHub push');
  if (!read.ok) return read.ignored;
  const push = read.data;
  const ref = refOf(push.ref);
  if (!ref) return [ignored(`GitHub push to ${push.ref} is neither a branch nor a tag`)];
  const before = shaOrNull(push.before);
  const headCommit = push.head_commit ? { sha: push.head_commit.id, message: push.head_commit.message, author: push.head_commit.author?.name ?? null } : null;
  let after = shaOrNull(push.after);
  // An annotated tag's `after` is the tag object; head_commit is the commit it points to.
  if (after && ref.refType === 'tag' && headCommit) after = headCommit.sha;
  const commits = push.commits ?? [];
  // A created ref has no base to diff against, and a forced push drops commits the list does not show.
  const complete = before !== null && after !== null && !push.forced && commits.length < GITHUB_COMMITS_CAP;
  const event: PushEvent = {
    kind: 'push',
    repository: push.repository.full_name,
    ...ref,
    before,
    after,
    headCommit,
    changedFiles: complete ? filesOf(commits) : null,
  };
  return [event];
}

function parsePullRequest(payload: unknown): ParsedDelivery[] {
  const head = readPayload(actionOnly, payload, 'GitHub pull_request');
  if (!head.ok) return head.ignored;
  const action = pullRequestAction(head.data.action);
  if (!action) return [ignored(`GitHub pull_request action '${head.data.action}' is not acted on`)];
  const read = readPayload(pullRequestPayload, payload, `GitHub pull_request ${head.data.action}`);
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
    // A head repository that is gone was a deleted fork.
    fromFork: pr.head.repo === null || pr.head.repo.full_name !== pr.base.repo.full_name,
    author: { login: pr.user?.login ?? null, id: pr.user ? String(pr.user.id) : null },
    authorTrusted: pr.author_association === undefined ? null : TRUSTED_ASSOCIATIONS.has(pr.author_association),
  };
  return [event];
}

function pullRequestAction(action: string): PullRequestEvent['action'] | null {
  switch (action) {
    case 'opened':
    case 'reopened':
      return 'opened';
    case 'synchronize':
      return 'updated';
    case 'closed':
      return 'closed';
    default:
      return null;
  }
}

function parseInstallation(payload: unknown): ParsedDelivery[] {
  const head = readPayload(actionOnly, payload, 'GitHub installation');
  if (!head.ok) return head.ignored;
  const action = installationAction(head.data.action);
  if (!action) return [ignored(`GitHub installation action '${head.data.action}' is not acted on`)];
  const read = readPayload(installationPayload, payload, `GitHub installation ${head.data.action}`);
  if (!read.ok) return read.ignored;
  const event: InstallationEvent = { kind: 'installation', action, installationId: String(read.data.installation.id) };
  return [event];
}

function installationAction(action: string): InstallationEvent['action'] | null {
  switch (action) {
    case 'deleted':
      return 'removed';
    case 'suspend':
      return 'suspended';
    case 'unsuspend':
    case 'created':
    case 'new_permissions_accepted':
      return 'restored';
    default:
      return null;
  }
}

function parseInstallationRepositories(payload: unknown): ParsedDelivery[] {
  const head = readPayload(actionOnly, payload, 'GitHub installation_repositories');
  if (!head.ok) return head.ignored;
  if (head.data.action !== 'added' && head.data.action !== 'removed') {
    return [ignored(`GitHub installation_repositories action '${head.data.action}' is not acted on`)];
  }
  const read = readPayload(installationPayload, payload, `GitHub installation_repositories ${head.data.action}`);
  if (!read.ok) return read.ignored;
  const event: InstallationEvent = { kind: 'installation', action: 'repositories', installationId: String(read.data.installation.id) };
  return [event];
}
