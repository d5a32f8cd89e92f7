import { ForgeMisconfiguredError } from '../errors.js';
import type { ForgeAdapter } from '../types.js';

/**
 * A GitHub App has one webhook, the App's own (its URL and secret come from the manifest it was created from), and
 * receives every installed repository's events through it: there is no repository hook for the service to register.
 */
export const gitHubWebhooks: Pick<ForgeAdapter, 'createWebhook' | 'deleteWebhook'> = {
  createWebhook: () =>
    Promise.reject(
      new ForgeMisconfiguredError(
        "A GitHub App receives its repositories' events through the App's own webhook, set when the App was created from its manifest; repositories have no webhook of their own to register. Check the App's webhook URL and secret in its GitHub settings instead",
      ),
    ),
  deleteWebhook: () =>
    Promise.reject(
      new ForgeMisconfiguredError("A GitHub App has no repository webhooks to remove: events arrive through the App's own webhook, managed in the App's GitHub settings"),
    ),
};
