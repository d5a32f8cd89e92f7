import { DEPLOYMENT_LINK_PATH, deploymentExplorerPath } from '../deployments/deployment-link.js';
import type { Route } from './route.js';

const DEPLOYMENT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The link commit statuses carry: to GraphiQL with the deployment's query (nothing is shown without a key). */
export function deploymentLinkRoutes(): Route[] {
  return [
    {
      method: 'GET',
      path: DEPLOYMENT_LINK_PATH,
      handle: async (_request, url) => {
        const id = url.searchParams.get('id') ?? '';
        if (!DEPLOYMENT_ID.test(id)) return new Response('Not found\n', { status: 404, headers: { 'content-type': 'text/plain' } });
        return new Response(null, { status: 302, headers: { location: deploymentExplorerPath(id) } });
      },
    },
  ];
}
