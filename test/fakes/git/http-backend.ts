import { spawn } from 'node:child_process';
import type { FakeRequest, FakeResponse } from '../fake-server.js';

/**
 * Serves git's smart HTTP protocol (clone and fetch only) with git's own CGI server, `git http-backend`.
 * `pathInfo` is the repository path under `projectRoot` plus the git endpoint, e.g.
 * `/acme/web.git/info/refs`. Pushes (`git-receive-pack`) are refused with 403, as a read-only token would be.
 */
export async function serveGit(request: FakeRequest, options: { projectRoot: string; pathInfo: string }): Promise<FakeResponse> {
  const service = request.url.searchParams.get('service');
  if (options.pathInfo.endsWith('/git-receive-pack') || service === 'git-receive-pack') {
    return { status: 403, headers: { 'content-type': 'text/plain' }, body: 'Pushing is not allowed with this token\n' };
  }
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    GIT_PROJECT_ROOT: options.projectRoot,
    GIT_HTTP_EXPORT_ALL: '1',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    PATH_INFO: options.pathInfo,
    REQUEST_METHOD: request.method,
    QUERY_STRING: request.url.search.replace(/^\?/, ''),
    CONTENT_TYPE: String(request.headers['content-type'] ?? ''),
    CONTENT_LENGTH: String(request.rawBody.length),
    REMOTE_ADDR: '127.0.0.1',
  };
  const protocol = request.headers['git-protocol'];
  if (typeof protocol === 'string') env.GIT_PROTOCOL = protocol;
  const encoding = request.headers['content-encoding'];
  if (typeof encoding === 'string') env.HTTP_CONTENT_ENCODING = encoding;

  const child = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  child.stdin.on('error', () => {});
  child.stdin.end(request.rawBody);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const output = Buffer.concat(stdout);
  const split = output.indexOf('\r\n\r\n');
  if (split < 0) {
    return { status: 500, headers: { 'content-type': 'text/plain' }, body: `git http-backend failed (${code}): ${Buffer.concat(stderr).toString('utf8')}` };
  }
  const headers: Record<string, string> = {};
  let status = 200;
  for (const line of output.subarray(0, split).toString('latin1').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'status') status = Number.parseInt(value, 10);
    else headers[name] = value;
  }
  return { status, headers, body: output.subarray(split + 4) };
}

/** The HTTP Basic credentials of a request, or null. */
export function basicCredentials(request: FakeRequest): { username: string; password: string } | null {
  const header = request.headers.authorization;
  if (typeof header !== 'string' || !/^basic /i.test(header)) return null;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** What a forge answers a git request without acceptable credentials: git then asks for them (and fails). */
export function gitAuthRequired(realm: string): FakeResponse {
  return { status: 401, headers: { 'www-authenticate': `Basic realm="${realm}"`, 'content-type': 'text/plain' }, body: 'HTTP Basic: Access denied\n' };
}
