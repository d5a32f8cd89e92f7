import { chmodSync, lstatSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import path from 'node:path';
import { z } from 'zod';
import type { PrismaClient } from './generated/prisma/client.js';
import type { MemberRole } from './generated/prisma/enums.js';
import type { Logger } from './logger.js';
import { bootstrapApiKey, type BootstrapInput } from './resolvers/api-keys.js';
import { ValidationError } from './resolvers/errors.js';
import { emailSchema, nameSchema, parseInput } from './resolvers/validation.js';

/*
 * While the service runs on the embedded database it owns the data directory (PGlite is single-process), so
 * `forgegraph api-key create` reaches it through this unix socket instead. The socket lives in the data
 * directory and is only accessible to its owner (0600): whoever may use it could read the data directory anyway.
 */

export const ADMIN_SOCKET_FILE = 'admin.sock';
/** Requests are a few short strings. */
export const MAX_ADMIN_BODY_BYTES = 64 * 1024;

export function adminSocketPath(dataDir: string): string {
  return path.join(path.resolve(dataDir), ADMIN_SOCKET_FILE);
}

/** sun_path holds 108 bytes on Linux, 104 elsewhere (with the NUL); a longer path is silently truncated by bind(). */
const MAX_SOCKET_PATH_BYTES = process.platform === 'linux' ? 107 : 103;

export function socketPathFits(socketPath: string): boolean {
  return Buffer.byteLength(socketPath) <= MAX_SOCKET_PATH_BYTES;
}

export interface ApiKeyRequest {
  organization: string;
  email: string;
  role?: 'owner' | 'admin' | 'member' | 'OWNER' | 'ADMIN' | 'MEMBER';
  name?: string;
}

export interface ApiKeyResponse {
  key: string;
  prefix: string;
  organization: string;
  email: string;
  role: MemberRole;
}

/** Present and a string, then the field's own rules: "email is required" rather than zod's bare "Required". */
const requiredString = <T extends z.ZodTypeAny>(schema: T) => z.string({ required_error: 'is required', invalid_type_error: 'must be a string' }).pipe(schema);

const roleSchema = z
  .string({ invalid_type_error: 'must be a string' })
  .trim()
  .toUpperCase()
  .pipe(z.enum(['OWNER', 'ADMIN', 'MEMBER'], { errorMap: () => ({ message: 'must be one of owner, admin, member' }) }));

const apiKeyRequestSchema = z.object(
  {
    organization: requiredString(nameSchema),
    email: requiredString(emailSchema),
    role: roleSchema.optional(),
    name: requiredString(nameSchema).optional(),
  },
  { invalid_type_error: 'must be a JSON object', required_error: 'is required' },
);

/** Validates a request for `bootstrapApiKey`; ValidationError names the field ("email must be an email address"). */
export function parseApiKeyRequest(input: unknown): BootstrapInput {
  const parsed = parseInput(apiKeyRequestSchema, input);
  return {
    organization: parsed.organization,
    email: parsed.email,
    ...(parsed.role ? { role: parsed.role } : {}),
    ...(parsed.name ? { name: parsed.name } : {}),
  };
}

/** Creates the organization and user when missing, and a new API key: what the CLI does with the database open. */
export async function createBootstrapApiKey(db: PrismaClient, input: unknown): Promise<ApiKeyResponse> {
  const result = await bootstrapApiKey(db, parseApiKeyRequest(input));
  return { key: result.key, prefix: result.prefix, organization: result.organization.name, email: result.user.email, role: result.role };
}

export interface AdminSocket {
  path: string;
  close(): Promise<void>;
}

export async function startAdminSocket(db: PrismaClient, dataDir: string, logger: Logger): Promise<AdminSocket> {
  const socketPath = adminSocketPath(dataDir);
  if (!socketPathFits(socketPath)) {
    // Not worth refusing to start over: only the CLI needs the socket, and it says why it cannot connect.
    logger.warn(
      { socket: socketPath },
      `admin socket disabled: its path is longer than ${MAX_SOCKET_PATH_BYTES} bytes; \`forgegraph api-key create\` works only while the service is stopped (use a shorter DATA_DIR)`,
    );
    return { path: socketPath, close: async () => undefined };
  }
  removeStaleSocket(socketPath);

  const server = createServer((request, response) => {
    handle(db, logger, request, response).catch((error: unknown) => {
      logger.error({ err: error }, 'admin socket request failed');
      if (!response.headersSent) send(response, 500, { error: 'Internal error, see the service log' });
      else response.destroy();
    });
  });
  // Nothing slow is expected on this socket.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // The socket is created by a synchronous bind inside listen(): under this umask it is born 0600, not chmod-ed later.
    const previousUmask = setUmask(0o177);
    try {
      server.listen(socketPath, () => {
        server.off('error', reject);
        resolve();
      });
    } finally {
      if (previousUmask !== undefined) setUmask(previousUmask);
    }
  });
  chmodSync(socketPath, 0o600);
  logger.info({ socket: socketPath }, 'admin socket listening');

  let closed = false;
  return {
    path: socketPath,
    async close() {
      if (closed) return;
      closed = true;
      server.closeIdleConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(socketPath, { force: true });
    },
  };
}

async function handle(db: PrismaClient, logger: Logger, request: IncomingMessage, response: ServerResponse) {
  const url = new URL(request.url ?? '/', 'http://admin.sock');
  if (url.pathname !== '/api-keys') return send(response, 404, { error: `No route ${url.pathname}` });
  if (request.method !== 'POST') {
    response.setHeader('allow', 'POST');
    return send(response, 405, { error: 'Only POST is accepted' });
  }
  const body = await readBody(request, MAX_ADMIN_BODY_BYTES);
  if (body === undefined) {
    send(response, 413, { error: `Request body is larger than ${MAX_ADMIN_BODY_BYTES} bytes` });
    request.resume();
    return;
  }
  let input: unknown;
  try {
    input = JSON.parse(body);
  } catch {
    return send(response, 400, { error: 'The request body must be JSON', field: 'input' });
  }
  try {
    const created = await createBootstrapApiKey(db, input);
    // Never the key itself.
    logger.info(
      { organization: created.organization, email: created.email, role: created.role, prefix: created.prefix },
      'API key created through the admin socket',
    );
    send(response, 201, created);
  } catch (error) {
    if (error instanceof ValidationError) return send(response, 400, { error: error.message, field: error.field });
    throw error;
  }
}

/** The body as text, or undefined when it is larger than `maxBytes`. */
function readBody(request: IncomingMessage, maxBytes: number): Promise<string | undefined> {
  if (Number(request.headers['content-length'] ?? 0) > maxBytes) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    request.on('data', (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.length;
      if (size > maxBytes) {
        tooLarge = true;
        chunks.length = 0;
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      if (!tooLarge) resolve(Buffer.concat(chunks).toString('utf8'));
    });
    request.on('error', reject);
  });
}

function send(response: ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  response.end(text);
}

/** A socket left behind by a process that died. Anything else at that path is not ours to delete. */
function removeStaleSocket(socketPath: string) {
  let stats;
  try {
    stats = lstatSync(socketPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  // Only the process holding the data directory's lock gets here, so a socket present now is stale.
  if (!stats.isSocket()) throw new Error(`${socketPath} exists and is not a socket; remove it to start forgegraph`);
  rmSync(socketPath, { force: true });
}

/** process.umask is unavailable in worker threads; there the explicit chmod after listen() still applies. */
function setUmask(mask: number): number | undefined {
  try {
    return process.umask(mask);
  } catch {
    return undefined;
  }
}
