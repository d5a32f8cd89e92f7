import type { Plugin } from 'graphql-yoga';

/** A plain HTTP endpoint beside /graphql (forge callbacks and redirects). */
export interface Route {
  method: 'GET' | 'POST';
  path: string;
  /** Matches every path under `path` (e.g. `/api/gitlab/webhook/` and a provider id after it). */
  prefix?: boolean;
  handle(request: Request, url: URL): Promise<Response>;
}

// Routes are served by the same yoga instance, so they share its limits and run in tests through yoga.fetch.
export function routesPlugin(routes: Route[]): Plugin {
  return {
    onRequest({ request, url, endResponse }) {
      const route = routes.find(
        (candidate) => (candidate.prefix ? url.pathname.startsWith(candidate.path) : candidate.path === url.pathname) && candidate.method === request.method,
      );
      if (!route) return;
      return route.handle(request, url).then(endResponse);
    },
  };
}
