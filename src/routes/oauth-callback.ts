import { ForgeError } from '../providers/errors.js';
import { OAuthGrantRefusedError } from '../providers/http/oauth-token.js';
import { NotAllowedError, NotFoundError, ValidationError } from '../resolvers/errors.js';
import { AuthorizationDeniedError, CALLBACK_PATHS, completeAuthorization, FORGE_NAMES, type OAuthForge } from '../resolvers/oauth-authorization.js';
import { OAuthStateError } from '../resolvers/oauth-states.js';
import type { RouteDeps } from './deps.js';
import { resultPage } from './pages.js';
import type { Route } from './route.js';

/**
 * GET /api/gitlab/callback and GET /api/gitea/callback: where the forge sends the browser back after the user
 * authorized (or refused) the OAuth application, with `code` and `state` (or `error`). Each answer is a small
 * page; a refusal changes nothing, and no page shows a token, code, state or internal error.
 */
export function oauthCallbackRoutes(deps: RouteDeps): Route[] {
  return (['gitlab', 'gitea'] as const).map((flow) => ({
    method: 'GET' as const,
    path: CALLBACK_PATHS[flow],
    handle: (_request: Request, url: URL) => callback(deps, flow, url),
  }));
}

async function callback(deps: RouteDeps, flow: OAuthForge, url: URL): Promise<Response> {
  const forge = FORGE_NAMES[flow];
  const failed = `${forge} not connected`;
  const params = url.searchParams;
  try {
    const done = await completeAuthorization(deps, flow, { code: params.get('code'), state: params.get('state'), error: params.get('error') });
    deps.logger.info({ providerId: done.providerId, forge: flow }, 'Git provider connected with OAuth');
    return resultPage(200, `${forge} connected`, `The provider “${done.providerName}” can now reach ${forge}. You can close this page.`);
  } catch (error) {
    if (error instanceof OAuthStateError || error instanceof AuthorizationDeniedError || error instanceof ValidationError) {
      deps.logger.info({ forge: flow, refused: error.code, reason: (error as { reason?: string }).reason }, 'OAuth callback refused');
      return resultPage(400, failed, error.message);
    }
    if (error instanceof NotFoundError) {
      return resultPage(400, failed, 'The provider this link was for no longer exists; nothing was changed.');
    }
    if (error instanceof NotAllowedError) {
      return resultPage(403, failed, `${error.message}; nothing was changed.`);
    }
    if (error instanceof OAuthGrantRefusedError && error.oauthError === 'invalid_grant') {
      deps.logger.warn({ forge: flow, errorCode: error.code, oauthError: error.oauthError }, 'OAuth code exchange refused');
      return resultPage(400, failed, `${forge} refused the authorization code (it may have expired or been used already); nothing was changed. Start again from forgegraph.`);
    }
    if (error instanceof ForgeError) {
      // Our own messages (never a forge body or a request): safe to show.
      deps.logger.warn({ forge: flow, errorCode: error.code }, 'OAuth code exchange failed');
      return resultPage(502, failed, `${error.message}. Nothing was changed.`);
    }
    // Anything else may carry internals (a database error can quote the query): only its name is logged.
    deps.logger.error({ forge: flow, errorName: (error as Error)?.name }, 'OAuth callback failed');
    return resultPage(500, failed, 'Something went wrong on forgegraph’s side; nothing was changed. Try again from forgegraph.');
  }
}
