import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { adminSocketPath, createBootstrapApiKey, parseApiKeyRequest, socketPathFits, type ApiKeyRequest, type ApiKeyResponse } from '../admin-socket.js';
import type { Config } from '../config.js';
import { DataDirectoryBusyError, openPglite, openPostgres, type Database } from '../db/open-database.js';
import type { BootstrapInput } from '../resolvers/api-keys.js';
import { ValidationError } from '../resolvers/errors.js';
import { CliError, describeError } from './errors.js';

export interface ApiKeyCreateOptions {
  organization: string;
  email: string;
  role?: string;
  name?: string;
}

export interface ApiKeyCreated extends ApiKeyResponse {
  /** Where the key was created: the running service (admin socket), or the database opened directly. */
  via: 'admin-socket' | 'pglite' | 'postgresql';
}

export interface ApiKeyCreateSettings {
  /** How long to wait for a service that holds the embedded database but does not answer on its socket yet. */
  busyTimeoutMs?: number;
  /** For one request over the admin socket. */
  socketTimeoutMs?: number;
}

const DEFAULT_BUSY_TIMEOUT_MS = 20_000;
const DEFAULT_SOCKET_TIMEOUT_MS = 30_000;
const RETRY_INTERVAL_MS = 250;

/**
 * `forgegraph api-key create`. With DATABASE_URL, straight on PostgreSQL (migrations are safe to run
 * concurrently). On the embedded database: through the running service's admin socket when it answers,
 * otherwise with the data directory opened (and locked) for the duration of the command.
 */
export async function createApiKeyFromCli(options: ApiKeyCreateOptions, config: Config, settings: ApiKeyCreateSettings = {}): Promise<ApiKeyCreated> {
  // Checked here first, so a typo fails before anything is opened, whichever way the key is then created.
  const input = parseApiKeyRequest(options);
  if (config.databaseUrl) return { ...(await createOnPostgres(config.databaseUrl, input)), via: 'postgresql' };
  return createOnEmbedded(config.dataDir, input, settings);
}

async function createOnPostgres(url: string, input: BootstrapInput): Promise<ApiKeyResponse> {
  let database: Database;
  try {
    database = await openPostgres(url);
  } catch (error) {
    // Never the URL itself: it may carry a password.
    throw new CliError(`Could not open the PostgreSQL database in DATABASE_URL: ${describeError(error)}`);
  }
  try {
    return await createBootstrapApiKey(database.prisma, input);
  } finally {
    await database.close().catch(() => undefined);
  }
}

async function createOnEmbedded(dataDir: string, input: BootstrapInput, settings: ApiKeyCreateSettings): Promise<ApiKeyCreated> {
  const socketPath = adminSocketPath(dataDir);
  const socketTimeoutMs = settings.socketTimeoutMs ?? DEFAULT_SOCKET_TIMEOUT_MS;
  const socketUsable = socketPathFits(socketPath);
  const deadline = Date.now() + (settings.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS);
  for (;;) {
    const answered = socketUsable ? await requestOverSocket(socketPath, input, socketTimeoutMs) : undefined;
    if (answered) return { ...answered, via: 'admin-socket' };

    let database: Database;
    try {
      database = await openPglite(dataDir);
    } catch (error) {
      if (!(error instanceof DataDirectoryBusyError)) {
        throw new CliError(`Could not open the embedded database in ${dataDir}: ${describeError(error)}`);
      }
      // Held by a service still starting (its socket comes up once the database is open), or by another
      // command for a moment: try both again.
      if (Date.now() >= deadline) {
        if (!socketUsable) {
          throw new CliError(
            `The embedded database in ${dataDir} is in use by another forgegraph process, and its admin socket is disabled because ${socketPath} ` +
              'is too long for a unix socket. Stop the service to create the key, or use a shorter DATA_DIR.',
          );
        }
        throw new CliError(
          `The embedded database in ${dataDir} is in use by another forgegraph process, and nothing answers on ${socketPath}. ` +
            'If the service is starting, try again once it listens; otherwise stop the process that holds the data directory.',
        );
      }
      await sleep(RETRY_INTERVAL_MS);
      continue;
    }
    try {
      return { ...(await createBootstrapApiKey(database.prisma, input)), via: 'pglite' };
    } finally {
      await database.close().catch(() => undefined);
    }
  }
}

/** The service's answer, or undefined when no service listens on the socket (nothing there, or a stale file). */
function requestOverSocket(socketPath: string, input: BootstrapInput, timeoutMs: number): Promise<ApiKeyResponse | undefined> {
  const body: ApiKeyRequest = { organization: input.organization, email: input.email, role: input.role, name: input.name };
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    let connected = false;
    const req = request(
      {
        socketPath,
        path: '/api-keys',
        method: 'POST',
        headers: { host: 'forgegraph', 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
        timeout: timeoutMs,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', (error) => reject(new CliError(`The running service's answer on ${socketPath} broke off: ${describeError(error)}`)));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let answer: Record<string, unknown> | undefined;
          try {
            answer = JSON.parse(text) as Record<string, unknown>;
          } catch {
            answer = undefined;
          }
          if (response.statusCode === 201 && answer && typeof answer.key === 'string') return resolve(answer as unknown as ApiKeyResponse);
          const message = typeof answer?.error === 'string' ? answer.error : text.slice(0, 200) || `status ${response.statusCode}`;
          if (response.statusCode === 400) return reject(new ValidationError(typeof answer?.field === 'string' ? answer.field : 'input', message));
          reject(new CliError(`The running service refused the request (${response.statusCode}): ${message}`));
        });
      },
    );
    req.on('socket', (socket) => socket.once('connect', () => (connected = true)));
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (!connected && (error.code === 'ENOENT' || error.code === 'ECONNREFUSED')) return resolve(undefined);
      if (error.code === 'EACCES') {
        return reject(new CliError(`Permission denied on ${socketPath}: run the command as the user that owns the data directory`));
      }
      // Connected, so the request may have been handled: trying another way could create a second key.
      reject(new CliError(`The running service did not answer on ${socketPath}: ${describeError(error)}`));
    });
    req.end(payload);
  });
}
