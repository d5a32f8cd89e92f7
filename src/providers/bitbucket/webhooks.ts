import { ForgeMisconfiguredError, ForgeNotFoundError, ForgeUnreachableError } from '../errors.js';
import type { WebhookRegistration } from '../types.js';
import type { BitbucketApi } from './client.js';
import { FORGE, type Subject } from './errors.js';
import { repositoryPath } from './repository-name.js';

/** The pull request events a preview follows: opened, new commits or edits, merged, declined. */
const PULL_REQUEST_EVENTS = ['pullrequest:created', 'pullrequest:updated', 'pullrequest:fulfilled', 'pullrequest:rejected'];

/** A webhook's uid: its uuid, with or without braces. */
const HOOK_UID = /^\{?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}?$/i;

/**
 * POST /repositories/{workspace}/{repo_slug}/hooks, answering the hook's uuid. `repo:push` covers branch and tag
 * pushes (push.changes[].new.type is `branch` or `tag`). Bitbucket signs deliveries with the secret (X-Hub-Signature,
 * sha256) and never shows it again. Creating a hook takes admin permission on the repository, the webhook scopes
 * and the scopes of the events' own resources (repository, pull requests).
 */
export async function createWebhook(bb: BitbucketApi, repository: string, hook: WebhookRegistration): Promise<string> {
  const path = repositoryPath(repository);
  const events = [...(hook.push || hook.tags ? ['repo:push'] : []), ...(hook.pullRequests ? PULL_REQUEST_EVENTS : [])];
  if (events.length === 0) throw new ForgeMisconfiguredError('A webhook needs at least one of push, tags or pull requests');
  const subject: Subject = { kind: 'hooks', repository: `${path.workspace}/${path.repo_slug}`, secret: hook.secret };
  const body = { description: 'forgegraph deployments and previews', url: hook.url, active: true, secret: hook.secret, events };
  const { data } = await bb.call(subject, () =>
    // The spec documents this body in the operation's description only; its typed requestBody is empty.
    bb.client.POST('/repositories/{workspace}/{repo_slug}/hooks', { params: { path }, body: body as never }),
  );
  if (!data.uuid) throw new ForgeUnreachableError(`${FORGE} created the webhook but did not say its uuid`);
  return data.uuid;
}

/** DELETE /repositories/{workspace}/{repo_slug}/hooks/{uid}: 204, or 404 for a hook (or repository) already gone. */
export async function deleteWebhook(bb: BitbucketApi, repository: string, hookId: string): Promise<void> {
  const path = repositoryPath(repository);
  if (!HOOK_UID.test(hookId)) throw new ForgeNotFoundError(`"${hookId.slice(0, 100)}" is not a ${FORGE} webhook id`);
  const subject: Subject = { kind: 'hooks', repository: `${path.workspace}/${path.repo_slug}`, secret: null };
  await bb.callAnswering(subject, () => bb.client.DELETE('/repositories/{workspace}/{repo_slug}/hooks/{uid}', { params: { path: { ...path, uid: hookId } } }), [204, 404]);
}
