import type { Route } from './route.js';
import type { RouteDeps } from './deps.js';
import { deploymentLinkRoutes } from './deployment-link.js';
import { gitHubSetupRoutes } from './github-setup.js';
import { oauthCallbackRoutes } from './oauth-callback.js';
import { webhookRoutes } from './webhooks.js';

/** Every HTTP endpoint beside /graphql. */
export function createRoutes(deps: RouteDeps): Route[] {
  return [...gitHubSetupRoutes(deps), ...oauthCallbackRoutes(deps), ...deploymentLinkRoutes(), ...webhookRoutes(deps)];
}
