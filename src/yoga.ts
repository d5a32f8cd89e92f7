import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { createGraphQLError, createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import type { Context } from './context.js';
import type { SecretBox } from './crypto/secret-box.js';
import type { PrismaClient } from './generated/prisma/client.js';
import type { Logger } from './logger.js';
import type { ForgeHttp } from './providers/http/forge-http.js';
import { authenticate } from './resolvers/api-keys.js';
import type { DeploymentControl } from './resolvers/deployments.js';
import { AuthenticationError } from './resolvers/errors.js';
import { createForgeAccess } from './resolvers/forge-access.js';
import { redactVariableValuesInErrors } from './redact-variable-errors.js';
import { createRoutes } from './routes/index.js';
import { routesPlugin } from './routes/route.js';
import { isWebhookPath } from './routes/webhooks.js';
import { schema } from './schema/index.js';

/** The largest request body accepted. Nothing the API takes comes close (a GitHub App key is ~3 KB). */
export const MAX_BODY_BYTES = 1024 * 1024;

export interface YogaOptions {
  db: PrismaClient;
  secrets: SecretBox;
  logger: Logger;
  forge: { http: ForgeHttp; bitbucketApiUrl: string };
  /** Where browsers and forges reach this service (PUBLIC_URL). */
  publicUrl: string;
  deployments: DeploymentControl;
  /** Readiness, for /ready: false while starting or draining. */
  isReady?: () => boolean;
}

export type ForgegraphYoga = YogaServerInstance<Record<string, never>, Context>;

export function createForgegraphYoga(options: YogaOptions): ForgegraphYoga {
  const { db, secrets, logger } = options;
  return createYoga<Record<string, never>, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    // Bundled GraphiQL: works without reaching a CDN.
    renderGraphiQL,
    graphiql: {
      title: 'forgegraph',
      headers: JSON.stringify({ 'x-api-key': 'paste the key from `npx forgegraph api-key create` here' }),
      shouldPersistHeaders: true,
    },
    logging: {
      debug: (...args) => logger.debug(args.map(String).join(' ')),
      info: (...args) => logger.info(args.map(String).join(' ')),
      warn: (...args) => logger.warn(args.map(String).join(' ')),
      error: (...args) => logger.error({ err: args.find((a) => a instanceof Error) }, args.filter((a) => !(a instanceof Error)).map(String).join(' ')),
    },
    plugins: [
      limitBodySize(MAX_BODY_BYTES),
      readiness(options.isReady ?? (() => true)),
      routesPlugin(createRoutes({ db, secrets, logger, http: options.forge.http, publicUrl: options.publicUrl, queue: options.deployments.queue })),
      redactVariableValuesInErrors(),
    ],
    context: async ({ request }) => {
      try {
        const viewer = await authenticate(db, request.headers.get('x-api-key'));
        return {
          db,
          secrets,
          logger,
          viewer,
          publicUrl: options.publicUrl,
          http: options.forge.http,
          forge: createForgeAccess({ db, secrets, logger, ...options.forge }, viewer),
          deployments: options.deployments,
        };
      } catch (error) {
        if (error instanceof AuthenticationError) {
          throw createGraphQLError(error.message, { extensions: { code: error.code, http: { status: 401 } } });
        }
        throw error;
      }
    },
  });
}

// Refuses oversized bodies before they are read or parsed (a 10 MB "secret" never reaches a resolver). A body
// of unknown length (chunked) could not be bounded before it is buffered, so it must declare its length.
function limitBodySize(maxBytes: number): Plugin {
  return {
    onRequest({ request, endResponse, fetchAPI }) {
      const refuse = (status: number, code: string, message: string) =>
        endResponse(
          new fetchAPI.Response(JSON.stringify({ errors: [{ message, extensions: { code } }] }), {
            status,
            headers: { 'content-type': 'application/json' },
          }),
        );
      // Webhook routes take forge-sized bodies (GitHub sends up to 25 MB) and bound them themselves.
      if (isWebhookPath(new URL(request.url).pathname)) return;
      const declared = request.headers.get('content-length');
      if (declared === null) {
        if (request.body !== null && request.method !== 'GET' && request.method !== 'HEAD') {
          refuse(411, 'LENGTH_REQUIRED', 'A request body must declare its Content-Length');
        }
        return;
      }
      if (Number(declared) > maxBytes) refuse(413, 'PAYLOAD_TOO_LARGE', `Request body is larger than ${maxBytes} bytes`);
    },
  };
}

// /ready fails while the server drains on SIGTERM, so a load balancer stops sending new requests first.
function readiness(isReady: () => boolean): Plugin {
  return {
    onRequest({ url, endResponse, fetchAPI }) {
      if (url.pathname === '/ready') {
        endResponse(new fetchAPI.Response(isReady() ? 'ready' : 'draining', { status: isReady() ? 200 : 503 }));
      }
    },
  };
}
