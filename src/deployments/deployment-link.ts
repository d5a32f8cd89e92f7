import { encodeGlobalID } from '@pothos/plugin-relay';

/** The path of the short link to a deployment (commit statuses allow 255 characters at most on GitLab). */
export const DEPLOYMENT_LINK_PATH = '/deployment';

/** Where a commit status links to: a short link that redirects to deploymentExplorerPath. */
export function deploymentLink(publicUrl: string, deploymentId: string): string {
  return `${publicUrl}${DEPLOYMENT_LINK_PATH}?id=${encodeURIComponent(deploymentId)}`;
}

/**
 * The service's GraphiQL with the deployment's query filled in (the browser's saved API key runs it): there is
 * no other page to show a deployment on.
 */
export function deploymentExplorerPath(deploymentId: string): string {
  const id = encodeGlobalID('Deployment', deploymentId);
  const query = `{\n  deployment(id: "${id}") {\n    status\n    ref\n    commitSha\n    message\n    log\n  }\n}\n`;
  return `/graphql?query=${encodeURIComponent(query)}`;
}
