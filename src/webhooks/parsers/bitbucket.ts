import { z } from 'zod';
import type { ParsedDelivery, PullRequestEvent, PushEvent } from '../events.js';
import { ignored, readPayload } from './common.js';

const account = z.object({ nickname: z.string().nullish(), uuid: z.string().nullish(), display_name: z.string().nullish() });

const ref = z.object({
  type: z.string(),
  name: z.string(),
  target: z.object({
    hash: z.string(),
    message: z.string(),
    // The API's author is { raw, user }; the documentation's push example shows an account in its place.
    author: z.object({ raw: z.string().nullish(), user: account.nullish(), display_name: z.string().nullish() }).nullish(),
  }),
});

const pushPayload = z.object({
  repository: z.object({ full_name: z.string() }),
  push: z.object({ changes: z.array(z.object({ new: ref.nullable(), old: ref.nullable() })) }),
});

const pullRequestPayload = z.object({
  repository: z.object({ full_name: z.string() }),
  pullrequest: z.object({
    id: z.number().int(),
    title: z.string(),
    author: account.nullish(),
    source: z.object({
      branch: z.object({ name: z.string() }),
      commit: z.object({ hash: z.string() }),
      repository: z.object({ full_name: z.string() }).nullish(),
    }),
    destination: z.object({ branch: z.object({ name: z.string() }), repository: z.object({ full_name: z.string() }) }),
  }),
});

const PULL_REQUEST_ACTIONS: Record<string, PullRequestEvent['action']> = {
  'pullrequest:created': 'opened',
  'pullrequest:updated': 'updated',
  'pullrequest:fulfilled': 'closed',
  'pullrequest:rejected': 'closed',
};

/** `event` is X-Event-Key. One repo:push may move several refs: each change is one event. */
export function parseBitbucket(event: string, payload: unknown): ParsedDelivery[] {
  if (event === 'repo:push') return parsePush(payload);
  const action = Object.hasOwn(PULL_REQUEST_ACTIONS, event) ? PULL_REQUEST_ACTIONS[event] : undefined;
  if (action) return parsePullRequest(event, action, payload);
  return [ignored(`Bitbucket event '${event}' is not acted on`)];
}

function parsePush(payload: unknown): ParsedDelivery[] {
  const read = readPayload(pushPayload, payload, 'Bitbucket repo:push');
  if (!read.ok) return read.ignored;
  const repository = read.data.repository.full_name;
  const changes = read.data.push.changes;
  if (changes.length === 0) return [ignored('Bitbucket repo:push lists no changes')];
  return changes.map((change): ParsedDelivery => {
    const moved = change.new ?? change.old;
    if (!moved) return ignored('Bitbucket repo:push change has neither a new nor an old ref');
    if (moved.type !== 'branch' && moved.type !== 'tag') return ignored(`Bitbucket repo:push change to a ${moved.type} '${moved.name}' is neither a branch nor a tag`);
    const target = change.new?.target;
    const event: PushEvent = {
      kind: 'push',
      repository,
      refType: moved.type,
      refName: moved.name,
      before: change.old?.target.hash ?? null,
      after: target?.hash ?? null,
      headCommit: target
        ? { sha: target.hash, message: target.message, author: target.author?.raw ?? target.author?.user?.display_name ?? target.author?.display_name ?? null }
        : null,
      // The push payload names no files.
      changedFiles: null,
    };
    return event;
  });
}

function parsePullRequest(event: string, action: PullRequestEvent['action'], payload: unknown): ParsedDelivery[] {
  const read = readPayload(pullRequestPayload, payload, `Bitbucket ${event}`);
  if (!read.ok) return read.ignored;
  const pr = read.data.pullrequest;
  const sourceRepository = pr.source.repository?.full_name;
  const result: PullRequestEvent = {
    kind: 'pull_request',
    action,
    repository: read.data.repository.full_name,
    number: pr.id,
    title: pr.title,
    baseBranch: pr.destination.branch.name,
    headBranch: pr.source.branch.name,
    // Bitbucket sends the short (12 character) hash here.
    headSha: pr.source.commit.hash,
    // A source repository that is gone was a deleted fork.
    fromFork: sourceRepository === undefined || sourceRepository !== pr.destination.repository.full_name,
    author: { login: pr.author?.nickname ?? null, id: pr.author?.uuid ?? null },
    authorTrusted: null,
  };
  return [result];
}
