import dns from 'node:dns/promises';
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import { ForgeAddressNotAllowedError, ForgeMisconfiguredError } from '../providers/errors.js';
import type { AddressPolicy } from '../providers/http/address-policy.js';
import type { SourceAccess } from '../providers/types.js';
import { runProcess, type ProcessResult } from './child-process.js';

export interface FetchSourceOptions {
  access: SourceAccess;
  /** The exact commit to check out. */
  sha: string;
  /** The branch or tag it was resolved from: fetched whole when the forge refuses to serve a bare sha. */
  ref: string;
  directory: string;
  policy: AddressPolicy;
  timeoutMs: number;
  signal?: AbortSignal;
  onOutput(text: string): void;
}

export class SourceFetchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SourceFetchError';
  }
}

/**
 * Checks out exactly `sha` into `directory` with git over HTTP(S). The credentials travel only as an
 * `Authorization` header set through git's environment-borne configuration (GIT_CONFIG_COUNT), scoped to the
 * clone URL's origin: they are never in an argument, the remote URL, `.git/config` or git's output. The host
 * is resolved and checked against the forge address policy here, then pinned for git (`http.curloptResolve`),
 * and redirects are not followed, so the credentials cannot be sent anywhere else.
 */
export async function fetchSource(options: FetchSourceOptions): Promise<void> {
  const url = parseCloneUrl(options.access.cloneUrl);
  const pinned = await pinnedAddress(url, options.policy);
  const deadline = Date.now() + options.timeoutMs;
  const env = gitEnvironment(url, options.access, pinned);
  mkdirSync(options.directory, { recursive: true });

  const git = async (args: string[]) => {
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw new SourceFetchError(`Fetching the source took longer than ${Math.round(options.timeoutMs / 1000)} s`);
    const result = await runProcess({ command: 'git', args, cwd: options.directory, env, timeoutMs: remaining, signal: options.signal, onOutput: options.onOutput });
    return result;
  };
  const must = async (args: string[], what: string) => {
    const result = await git(args);
    if (result.exitCode !== 0) throw failure(result, what, options.timeoutMs);
  };

  await must(['init', '--quiet', '--template=', '.'], 'git init');
  options.onOutput(`Fetching ${options.sha} from ${url.href}\n`);
  const bySha = await git(['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', '--depth=1', url.href, options.sha]);
  if (bySha.exitCode !== 0) {
    if (bySha.aborted || bySha.timedOut) throw failure(bySha, 'git fetch', options.timeoutMs);
    options.onOutput(`The forge would not serve the commit by its sha; fetching ${options.ref} instead\n`);
    // Named as given, git finds the branch or tag on the remote itself.
    await must(['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', url.href, options.ref], 'git fetch');
  }
  await must(['-c', 'advice.detachedHead=false', 'checkout', '--quiet', '--detach', options.sha], 'git checkout');
  options.onOutput(`Checked out ${options.sha}\n`);
}

function parseCloneUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ForgeMisconfiguredError(`The forge gave a clone URL that is not a URL: ${raw}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ForgeMisconfiguredError(`Only HTTP(S) clone URLs are supported, not ${url.protocol}`);
  if (url.username || url.password) throw new ForgeMisconfiguredError('The clone URL carries credentials of its own; refusing to use it');
  return url;
}

/** The address git must connect to, checked against the policy, or null when the host is an IP literal. */
async function pinnedAddress(url: URL, policy: AddressPolicy): Promise<string | null> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (net.isIP(host)) {
    if (!policy.allows(url.hostname, host)) throw new ForgeAddressNotAllowedError(url.hostname, host);
    return null;
  }
  const addresses = await dns.lookup(host, { all: true });
  const refused = addresses.find((entry) => !policy.allows(host, entry.address));
  if (refused) throw new ForgeAddressNotAllowedError(host, refused.address);
  const first = addresses[0];
  if (!first) throw new ForgeMisconfiguredError(`${host} does not resolve`);
  return first.family === 6 ? `[${first.address}]` : first.address;
}

function gitEnvironment(url: URL, access: SourceAccess, pinned: string | null): Record<string, string> {
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const basic = Buffer.from(`${access.username}:${access.password}`).toString('base64');
  const config: [string, string][] = [
    [`http.${url.origin}/.extraHeader`, `Authorization: Basic ${basic}`],
    ['http.followRedirects', 'false'],
    ['credential.helper', ''],
    ['core.askPass', ''],
    ['core.hooksPath', '/dev/null'],
    ['protocol.allow', 'never'],
    [`protocol.${url.protocol.replace(':', '')}.allow`, 'always'],
    ['submodule.recurse', 'false'],
    ['transfer.fsckObjects', 'true'],
  ];
  if (pinned) config.push(['http.curloptResolve', `${url.hostname}:${port}:${pinned}`]);
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: '/nonexistent',
    LANG: 'C',
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_COUNT: String(config.length),
  };
  config.forEach(([key, value], index) => {
    env[`GIT_CONFIG_KEY_${index}`] = key;
    env[`GIT_CONFIG_VALUE_${index}`] = value;
  });
  return env;
}

function failure(result: ProcessResult, what: string, timeoutMs: number): SourceFetchError {
  if (result.timedOut) return new SourceFetchError(`Fetching the source took longer than ${Math.round(timeoutMs / 1000)} s`);
  if (result.aborted) return new SourceFetchError('Fetching the source was stopped');
  return new SourceFetchError(`${what} failed (exit code ${result.exitCode ?? result.signal})`);
}
