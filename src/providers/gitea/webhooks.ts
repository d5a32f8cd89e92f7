import type { CreateHookOption, HttpResponse } from 'gitea-js';
import { ForgeAuthFailedError, ForgeMisconfiguredError, ForgeNotFoundError } from '../errors.js';
import type { ForgeAdapter, WebhookRegistration } from '../types.js';
import { isFailedResponse, isScopeRefusal, isStatusAnswer, unreadableBody, withStatusAnswers } from './errors.js';
import type { GiteaCalls } from './repository-access.js';
import { repositoryPath, type RepositoryPath } from './repository-name.js';

/**
 * Gitea's repository webhooks (routers/api/v1/utils/hook.go; routes under reqToken, reqAdmin and the token scope
 * write:repository):
 * - createWebhook: POST /repos/{owner}/{repo}/hooks, type "gitea", JSON deliveries signed with the secret
 *   (X-Gitea-Signature). Tag pushes arrive as `push` events with refs/tags/… (services/repository/push.go sends
 *   PushCommits for tags, besides the `create` event), so `push` covers both; `pull_request` also turns on every
 *   pull_request_* event, synchronize included (hook.go pullHook).
 * - deleteWebhook: DELETE /repos/{owner}/{repo}/hooks/{id}; 404 is a hook already gone.
 */
export function giteaWebhooks(calls: GiteaCalls): Pick<ForgeAdapter, 'createWebhook' | 'deleteWebhook'> {
  return {
    async createWebhook(repository: string, hook: WebhookRegistration): Promise<string> {
      const target = repositoryPath(repository);
      const body: CreateHookOption = {
        type: 'gitea',
        config: { url: hook.url, content_type: 'json', secret: hook.secret },
        events: giteaEvents(hook),
        active: true,
      };
      const { data } = await calls.tellingAuthFromNotFound(() =>
        calls.call((a) => explained(a.repos.repoCreateHook(target.o, target.r, body), target, 'create'), target.notFound),
      );
      if (typeof data.id !== 'number') throw unreadableBody(null, calls.urlField);
      return String(data.id);
    },

    async deleteWebhook(repository: string, hookId: string): Promise<void> {
      const target = repositoryPath(repository);
      if (!/^[1-9][0-9]{0,18}$/.test(hookId)) throw new ForgeNotFoundError(`"${hookId.slice(0, 100)}" is not a Gitea webhook id`);
      try {
        const { data } = await calls.tellingAuthFromNotFound(() =>
          calls.call((a) => explained(withStatusAnswers(a.repos.repoDeleteHook(target.o, target.r, Number(hookId))), target, 'delete'), target.notFound),
        );
        if (!isStatusAnswer(data)) throw unreadableBody(null, calls.urlField);
      } catch (error) {
        if (!(error instanceof ForgeNotFoundError)) throw error;
      }
    },
  };
}

/** The `events` of CreateHookOption; Gitea would subscribe a hook created with none to `push`. */
function giteaEvents(hook: WebhookRegistration): string[] {
  const events = [...(hook.push || hook.tags ? ['push'] : []), ...(hook.pullRequests ? ['pull_request'] : [])];
  if (events.length === 0) throw new ForgeMisconfiguredError('A webhook needs at least one of push, tags or pull requests');
  return events;
}

/**
 * The refusals a caller shows manual instructions for, said plainly: 403 from reqAdmin (a missing token scope is
 * already named by giteaError), 422 from checkCreateHookOption (Gitea's message is not repeated: it may hold the URL).
 */
async function explained<T>(request: Promise<HttpResponse<T, unknown>>, target: RepositoryPath, action: 'create' | 'delete'): Promise<HttpResponse<T, unknown>> {
  try {
    return await request;
  } catch (thrown) {
    if (!isFailedResponse(thrown) || isScopeRefusal(thrown.error)) throw thrown;
    if (thrown.status === 403) {
      throw new ForgeAuthFailedError(
        `The Gitea credentials may not ${action} webhooks of ${target.fullName}: that takes admin access to the repository, on an instance that allows webhooks (HTTP 403)`,
      );
    }
    if (thrown.status === 422) {
      throw new ForgeMisconfiguredError(`Gitea refused the webhook for ${target.fullName} (HTTP 422); its URL must be an absolute http(s) URL`);
    }
    throw thrown;
  }
}
