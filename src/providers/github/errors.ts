import {
  ForgeAuthFailedError,
  ForgeError,
  ForgeInstallationRemovedError,
  ForgeNotFoundError,
  ForgeRateLimitedError,
  ForgeUnreachableError,
} from '../errors.js';
import { forgeErrorFromFailure, rateLimitFromHeaders } from '../http/failures.js';

const FORGE = 'GitHub';

type Headers = Record<string, string | undefined>;

interface HttpFailure {
  status: number;
  response: { headers?: Headers; data?: unknown };
  request?: { url?: string; method?: string };
}

function isHttpFailure(error: unknown): error is HttpFailure {
  const candidate = error as Partial<HttpFailure> | null;
  return typeof candidate === 'object' && candidate !== null && typeof candidate.status === 'number' && typeof candidate.response === 'object' && candidate.response !== null;
}

/**
 * GitHub's own `message` (basic-error), at most 200 characters, with anything shaped like a token, a JWT
 * or a key removed: a forge (or a proxy in front of it) could echo the request back.
 */
export function forgeMessage(data: unknown): string | null {
  const message = (data as { message?: unknown } | null)?.message;
  if (typeof message !== 'string' || !message.trim()) return null;
  return message
    .replace(/-----BEGIN[\s\S]*/g, '[redacted]')
    .replace(/\b(?:bearer|token|basic)\s+\S+/gi, '[redacted]')
    .replace(/\b(?:gh[a-z]_[A-Za-z0-9_]+|github_pat_[A-Za-z0-9_]+|eyJ[\w-]*\.[\w-]*\.[\w-]*)/g, '[redacted]')
    .slice(0, 200)
    .trim();
}

interface Target {
  kind: 'jwt' | 'installation' | 'repository' | 'other';
  installationId?: string;
  repository?: string;
  /** A commit lookup (`commits/{ref}`), a commit status (`statuses/{sha}`), a comparison (`compare/{base}...{head}`) or a tree (`git/trees/{sha}`) of the repository, and the ref, sha or range. */
  commit?: { via: 'commits' | 'statuses' | 'compare' | 'git/trees'; ref: string };
}

/**
 * What a request addressed, from its path below the API base (never from the client's error text). Matched
 * from the start of that path: a repository named `app` is not the `/app` route.
 */
function target(url: string | undefined, apiBaseUrl: string | undefined): Target {
  let path = '';
  let basePath = '/api/v3';
  try {
    path = new URL(url ?? '').pathname;
    if (apiBaseUrl) basePath = new URL(apiBaseUrl).pathname.replace(/\/+$/, '');
  } catch {
    return { kind: 'other' };
  }
  if (basePath && path.startsWith(`${basePath}/`)) path = path.slice(basePath.length);
  const installation = /^\/app\/installations\/([^/]+)(?:\/access_tokens)?$/.exec(path);
  if (installation) return { kind: 'installation', installationId: decodeURIComponent(installation[1]!) };
  if (/^\/app(?:\/|$)/.test(path)) return { kind: 'jwt' };
  const repository = /^\/repos\/([^/]+)\/([^/]+)(?:\/(commits|statuses|compare|git\/trees)\/(.+))?(?:\/|$)/.exec(path);
  if (repository) {
    const fullName = `${decodeURIComponent(repository[1]!)}/${decodeURIComponent(repository[2]!)}`;
    const via = repository[3] as 'commits' | 'statuses' | 'compare' | 'git/trees' | undefined;
    return { kind: 'repository', repository: fullName, ...(via ? { commit: { via, ref: safeDecode(repository[4]!) } } : {}) };
  }
  return { kind: 'other' };
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/** Secondary limits: `retry-after` when sent; otherwise the primary reset if that is spent; otherwise at least a minute. */
function secondaryResetAt(headers: Headers): Date {
  const retryAfter = Number(headers['retry-after']);
  if (headers['retry-after'] && !Number.isNaN(retryAfter)) return new Date(Date.now() + retryAfter * 1000);
  if (headers['x-ratelimit-remaining'] === '0') {
    const reset = rateLimitFromHeaders(headers).resetAt;
    if (reset) return reset;
  }
  return new Date(Date.now() + 60_000);
}

export interface ErrorHooks {
  /** GitHub refused the installation token: it is dropped from the cache so the next call mints another. */
  onInstallationTokenRejected(): void;
  /** The installation the provider names (for a suspension GitHub reports on an installation-token call). */
  installationId?: string | null;
  /** The REST API base the request was sent to (default: an Enterprise Server's /api/v3). */
  apiBaseUrl?: string;
}

/**
 * The typed error for anything a GitHub call threw. octokit's RequestError carries the request (URL and
 * headers) and its message the forge's body: neither is reused; messages are written here from the status,
 * the path and GitHub's `message` field at most, and no cause is attached.
 */
export function gitHubForgeError(error: unknown, hooks: ErrorHooks): ForgeError {
  if (error instanceof ForgeError) return error;
  if (!isHttpFailure(error)) return forgeErrorFromFailure(error, FORGE);

  const { status } = error;
  const headers = error.response.headers ?? {};
  const message = forgeMessage(error.response.data);
  const said = message ? `: "${message}"` : '';
  const addressed = target(error.request?.url, hooks.apiBaseUrl);

  if (status === 403 || status === 429) {
    if (message && /\bsecondary rate\b/i.test(message)) {
      const resetAt = secondaryResetAt(headers);
      return new ForgeRateLimitedError(`GitHub's secondary rate limit stopped these calls; retry after ${resetAt.toISOString()}`, resetAt);
    }
    if (headers['x-ratelimit-remaining'] === '0' || status === 429) {
      const { resetAt } = rateLimitFromHeaders(headers);
      return new ForgeRateLimitedError(`GitHub's API rate limit for this App installation is spent${resetAt ? ` until ${resetAt.toISOString()}` : ''}`, resetAt);
    }
  }
  if (addressed.commit) {
    const { via, ref } = addressed.commit;
    const shown = ref.length > 100 ? `${ref.slice(0, 100)}…` : ref;
    // GitHub answers 422 "No commit found for SHA: <ref>" for a ref or sha that names no commit (docs: Get a commit, Create a commit status).
    if (status === 422 && (via === 'commits' || (message && /no commit found/i.test(message)))) {
      return new ForgeNotFoundError(`No commit "${shown}" in repository ${addressed.repository} (no branch, tag or commit of that name)`);
    }
    if (status === 409 && via === 'commits') return new ForgeNotFoundError(`Repository ${addressed.repository} is empty: it has no commits yet`);
    // Compare answers 404 alike for a repository it cannot reach, a ref that names no commit and unrelated histories.
    if (status === 404 && via === 'compare') {
      return new ForgeNotFoundError(
        `GitHub cannot compare ${shown} in repository ${addressed.repository}: a commit does not exist there (or the two share no history), or the repository is not accessible to the GitHub App installation${said}`,
      );
    }
    if (status === 403 && (via === 'compare' || via === 'git/trees') && message && /not accessible by integration/i.test(message)) {
      return new ForgeAuthFailedError(
        `GitHub refused to compare commits of ${addressed.repository}: the App installation lacks the "Contents" (read) permission; add it to the App and have the installation accept it`,
      );
    }
    if (status === 403 && via === 'statuses' && message && /not accessible by integration/i.test(message)) {
      return new ForgeAuthFailedError(
        `GitHub refused to set a commit status on ${addressed.repository}: the App installation lacks the "Commit statuses" (write) permission; add it to the App and have the installation accept it`,
      );
    }
  }
  if (status === 401) {
    if (addressed.kind === 'jwt' || addressed.kind === 'installation') {
      return new ForgeAuthFailedError(`GitHub rejected the App's JSON web token; check the App ID (or client ID) and the private key${said}`);
    }
    hooks.onInstallationTokenRejected();
    return new ForgeAuthFailedError(`GitHub rejected the installation access token (expired or revoked); a new one is minted on the next call${said}`);
  }
  if (status === 403) {
    if (message && /suspend/i.test(message)) {
      return new ForgeInstallationRemovedError(addressed.installationId ?? hooks.installationId ?? null, 'suspended');
    }
    return new ForgeAuthFailedError(`GitHub refused the App installation access (HTTP 403)${said}`);
  }
  if (status === 404) {
    if (addressed.kind === 'installation') {
      // As the App, GitHub answers 404 for an installation (lookup or token mint) that was deleted.
      return new ForgeInstallationRemovedError(addressed.installationId ?? null, 'deleted');
    }
    if (addressed.kind === 'repository') {
      return new ForgeNotFoundError(`Repository ${addressed.repository} not found, or not accessible to the GitHub App installation`);
    }
    if (addressed.kind === 'jwt') return new ForgeNotFoundError('GitHub App not found');
    return new ForgeNotFoundError(`GitHub answered 404 Not Found${said}`);
  }
  if (status >= 500) return new ForgeUnreachableError(`GitHub kept answering HTTP ${status}; gave up after retrying`);
  return new ForgeUnreachableError(`GitHub answered HTTP ${status}${said}`);
}
