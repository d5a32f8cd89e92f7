import { ForgeNotFoundError } from '../errors.js';
import type { ForgeAdapter } from '../types.js';
import type { GitLabCall } from './client.js';
import type { GitLabConfig } from './config.js';
import { projectRef } from './project-ref.js';
import { GitLabResponseError } from './requester.js';

/**
 * Project hooks (doc/user/project/integrations/webhooks.md, doc/api/project_webhooks.md), which take the Maintainer
 * role and the api scope. The secret is the hook's `token`, which GitLab sends back as X-Gitlab-Token and never
 * shows in its API; SSL verification stays on. Tag pushes are their own event (tag_push_events), merge requests too.
 */
export function gitLabWebhooks(call: GitLabCall, connect: () => GitLabConfig): Pick<ForgeAdapter, 'createWebhook' | 'deleteWebhook'> {
  return {
    async createWebhook(repository, hook) {
      connect();
      const { name, id } = projectRef(repository);
      const created = await call(
        { kind: 'hooks', project: name },
        async (client) =>
          (await client.projectHooks.add(id, hook.url, {
            token: hook.secret,
            pushEvents: hook.push,
            tagPushEvents: hook.tags,
            mergeRequestsEvents: hook.pullRequests,
            enableSslVerification: true,
          })) as unknown as { id: number },
        [hook.secret],
      );
      return String(created.id);
    },

    async deleteWebhook(repository, hookId) {
      connect();
      const { name, id } = projectRef(repository);
      const hook = hookId.trim();
      if (!/^[1-9]\d{0,15}$/.test(hook)) throw new ForgeNotFoundError(`GitLab project "${name}" has no webhook "${hook.slice(0, 40)}": GitLab's hook ids are numbers`);
      await call({ kind: 'hooks', project: name, hookId: hook }, async (client) => {
        try {
          await client.projectHooks.remove(id, Number(hook));
        } catch (error) {
          // Already gone ("404 Not found"); "404 Project Not Found" is about the project and stays an error.
          if (error instanceof GitLabResponseError && error.status === 404 && !/project/i.test(error.forgeMessage ?? '')) return;
          throw error;
        }
      });
    },
  };
}
