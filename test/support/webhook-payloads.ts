import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { TestGitRepository } from '../fakes/git/repository.js';
import { ROOT } from './run-cli.js';

// Deliveries built from the forges' real payloads (../shared/contracts/*/webhooks): the recorded JSON with only
// the values that name our test repository, refs and commits changed.

const CONTRACTS = path.join(ROOT, '..', 'shared', 'contracts');
const load = (file: string) => JSON.parse(readFileSync(path.join(CONTRACTS, file), 'utf8')) as Record<string, any>;
const ZERO = '0000000000000000000000000000000000000000';

/** What a push changed, read from the real repository: the commits from `before` (exclusive) to `after`, oldest first. */
export function pushedCommits(git: TestGitRepository, before: string | null, after: string) {
  const shas = (before ? git.commitsBetween(before, after) : [after]).reverse();
  return shas.map((sha) => {
    const info = git.commitInfo(sha)!;
    const parent = info.parents[0];
    const files = parent ? git.changedFiles(parent, sha) : [];
    return { sha, message: info.message, author: info.authorName, email: info.authorEmail, files, at: info.committedAt.toISOString() };
  });
}

export function gitHubPush(options: { repository: string; ref: string; before: string | null; after: string; installationId: number; commits: ReturnType<typeof pushedCommits> }) {
  const payload = load('github/webhooks/push.branch.1.json');
  const [owner, name] = options.repository.split('/');
  const commits = options.commits.map((c) => ({
    ...payload.commits[0],
    id: c.sha,
    tree_id: c.sha,
    message: c.message,
    timestamp: c.at,
    author: { name: c.author, email: c.email, username: c.author },
    committer: { name: c.author, email: c.email, username: c.author },
    added: [],
    removed: [],
    modified: c.files,
  }));
  return {
    ...payload,
    ref: options.ref,
    before: options.before ?? ZERO,
    after: options.after,
    created: options.before === null,
    repository: { ...payload.repository, name, full_name: options.repository, owner: { ...payload.repository.owner, login: owner, name: owner } },
    installation: { ...payload.installation, id: options.installationId },
    // GitHub carries at most 20 commits in a push payload.
    commits: commits.slice(-20),
    head_commit: commits.at(-1) ?? null,
  };
}

export function gitHubPullRequest(options: {
  action: 'opened' | 'synchronize' | 'closed' | 'reopened';
  repository: string;
  number: number;
  base: string;
  headRef: string;
  headSha: string;
  headRepository?: string;
  author: string;
  authorAssociation: string;
  installationId: number;
  merged?: boolean;
}) {
  const payload = load('github/webhooks/pull_request.opened.1.json');
  const [owner, name] = options.repository.split('/');
  const repository = { ...payload.repository, name, full_name: options.repository, owner: { ...payload.repository.owner, login: owner } };
  const headRepository = options.headRepository ? { ...repository, full_name: options.headRepository, name: options.headRepository.split('/')[1], fork: true } : repository;
  const pr = payload.pull_request;
  return {
    ...payload,
    action: options.action,
    number: options.number,
    pull_request: {
      ...pr,
      number: options.number,
      state: options.action === 'closed' ? 'closed' : 'open',
      merged: options.merged ?? false,
      user: { ...pr.user, login: options.author },
      author_association: options.authorAssociation,
      head: { ...pr.head, ref: options.headRef, sha: options.headSha, repo: headRepository, label: `${headRepository.owner.login}:${options.headRef}` },
      base: { ...pr.base, ref: options.base, repo: repository },
    },
    repository,
    installation: { id: options.installationId, node_id: 'MDIz' },
  };
}

export function gitHubInstallation(action: 'deleted' | 'suspend' | 'unsuspend', installationId: number) {
  const payload = load(`github/webhooks/installation.${action}.1.json`);
  return { ...payload, installation: { ...payload.installation, id: installationId } };
}

export function gitLabPush(options: { repository: string; ref: string; before: string | null; after: string; commits: ReturnType<typeof pushedCommits>; tag?: boolean }) {
  const payload = load('gitlab/webhooks/push.json');
  const commits = options.commits.map((c) => ({
    ...payload.commits[0],
    id: c.sha,
    message: c.message,
    title: c.message.split('\n')[0],
    timestamp: c.at,
    author: { name: c.author, email: c.email },
    added: [],
    modified: c.files,
    removed: [],
  }));
  return {
    ...payload,
    object_kind: options.tag ? 'tag_push' : 'push',
    event_name: options.tag ? 'tag_push' : 'push',
    ref: options.ref,
    before: options.before ?? ZERO,
    after: options.after,
    checkout_sha: options.after,
    project: { ...payload.project, path_with_namespace: options.repository },
    // GitLab carries the newest 20 commits and the real count beside them.
    commits: commits.slice(-20),
    total_commits_count: commits.length,
  };
}

const fixture = (file: string) => JSON.parse(readFileSync(path.join(ROOT, 'test', 'fixtures', 'webhooks', file), 'utf8')) as Record<string, any>;

/** A same-repository pull/merge request event, in each forge's own payload (the fixtures are the forges' examples). */
export interface RequestEvent {
  action: 'opened' | 'updated' | 'closed';
  repository: string;
  number: number;
  base: string;
  headRef: string;
  headSha: string;
  previousSha?: string;
}

export function gitLabMergeRequest(event: RequestEvent) {
  const payload = fixture('gitlab/merge-request-hook.json');
  const attributes = payload.object_attributes;
  const action = { opened: 'open', updated: 'update', closed: 'close' }[event.action];
  return {
    ...payload,
    project: { ...payload.project, path_with_namespace: event.repository },
    object_attributes: {
      ...attributes,
      iid: event.number,
      action,
      state: event.action === 'closed' ? 'closed' : 'opened',
      source_branch: event.headRef,
      target_branch: event.base,
      oldrev: event.action === 'updated' ? (event.previousSha ?? null) : null,
      last_commit: { ...attributes.last_commit, id: event.headSha },
    },
  };
}

export function giteaPullRequest(event: RequestEvent) {
  const payload = fixture('gitea/pull-request-opened.json');
  const pr = payload.pull_request;
  const [owner, name] = event.repository.split('/');
  const repository = { ...payload.repository, full_name: event.repository, name, owner: { ...payload.repository.owner, login: owner, username: owner } };
  const action = { opened: 'opened', updated: 'synchronized', closed: 'closed' }[event.action];
  return {
    ...payload,
    action,
    number: event.number,
    repository,
    pull_request: {
      ...pr,
      number: event.number,
      state: event.action === 'closed' ? 'closed' : 'open',
      head: { ...pr.head, ref: event.headRef, sha: event.headSha, repo_id: pr.base.repo_id, repo: { ...pr.base.repo, full_name: event.repository } },
      base: { ...pr.base, ref: event.base, repo: { ...pr.base.repo, full_name: event.repository } },
    },
  };
}

export function bitbucketPullRequest(event: RequestEvent) {
  const payload = fixture('bitbucket/pullrequest-created.json');
  const pr = payload.pullrequest;
  const repository = { ...payload.repository, full_name: event.repository };
  return {
    ...payload,
    repository,
    pullrequest: {
      ...pr,
      id: event.number,
      state: event.action === 'closed' ? 'MERGED' : 'OPEN',
      // Bitbucket names the head commit by its 12-character hash.
      source: { ...pr.source, branch: { name: event.headRef }, commit: { ...pr.source.commit, hash: event.headSha.slice(0, 12) }, repository },
      destination: { ...pr.destination, branch: { name: event.base }, repository },
    },
  };
}

export const REQUEST_EVENT_NAMES = {
  GitLab: { opened: 'Merge Request Hook', updated: 'Merge Request Hook', closed: 'Merge Request Hook' },
  Gitea: { opened: 'pull_request', updated: 'pull_request', closed: 'pull_request' },
  Bitbucket: { opened: 'pullrequest:created', updated: 'pullrequest:updated', closed: 'pullrequest:fulfilled' },
} as const;
