import { createAppAuth } from '@octokit/auth-app';
import { Octokit } from '@octokit/core';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { ForgeAddressNotAllowedError } from '../errors.js';
import type { ForgeHttp } from '../http/forge-http.js';
import type { AuthAppCache } from './token-cache.js';

/** Adapters do not log: octokit, auth-app and the plugins would otherwise warn on the console. */
const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/**
 * A refusal by the address policy is final: without this, plugin-retry would retry it like any other
 * network failure (octokit reports every failed fetch as HTTP 500). Registered before plugin-retry, so its
 * error hook runs inside the retry wrapper and hands it a non-RequestError, which it never retries.
 */
function addressRefusalsAreFinal(octokit: Octokit) {
  octokit.hook.error('request', (error) => {
    for (let cause: unknown = error; cause; cause = (cause as { cause?: unknown }).cause) {
      if (cause instanceof ForgeAddressNotAllowedError) throw cause;
    }
    throw error;
  });
  return {};
}

const GitHubOctokit = Octokit.plugin(addressRefusalsAreFinal, retry, throttling);
export type GitHubClient = InstanceType<typeof GitHubOctokit>;

export interface GitHubClientOptions {
  apiBaseUrl: string;
  /** The App ID, or its client ID: either is accepted as the JWT `iss`. */
  appIdentity: string | number;
  privateKey: string;
  installationId: string;
  tokenCache: AuthAppCache;
  /** Keys the throttling plugin's limiters: octokit's default id is shared by every client in the process. */
  throttleId: string;
}

/**
 * octokit as the App: a JWT for /app and /app/installations/*, an installation token (minted and cached by
 * auth-app) everywhere else. Every attempt runs on ForgeHttp's fetch (address policy and per-attempt
 * deadline, no retries of its own); plugin-retry retries 5xx and network failures with a backoff whose
 * longest wait is ForgeHttp's maxRetryWaitMs, and plugin-throttling retries rate limits only when GitHub
 * asks for a wait no longer than that, so a long limit comes back at once as a rate-limit error.
 */
export function createGitHubClient(options: GitHubClientOptions, http: ForgeHttp): GitHubClient {
  const { maxRetries, maxRetryWaitMs } = http.options;
  const shortWait = (retryAfterSeconds: number, retryCount: number) => retryCount < maxRetries && retryAfterSeconds * 1000 <= maxRetryWaitMs;
  // `log` is read by @octokit/request (deprecation warnings) though its types do not declare it.
  const request = { fetch: http.fetchFn({ retry: false }), log: silent };
  return new GitHubOctokit({
    baseUrl: options.apiBaseUrl,
    userAgent: 'forgegraph',
    log: silent,
    authStrategy: createAppAuth,
    auth: {
      appId: options.appIdentity,
      privateKey: options.privateKey,
      installationId: options.installationId,
      cache: options.tokenCache,
      log: silent,
    },
    request,
    retry: {
      retries: maxRetries,
      // plugin-retry waits retryCount² × this: the last wait is maxRetryWaitMs.
      retryAfterBaseValue: maxRetryWaitMs / Math.max(1, maxRetries * maxRetries),
      // 429 is left to plugin-throttling, which honours Retry-After and x-ratelimit-reset; plugin-retry would
      // retry it on its own schedule and spend the budget against a limit that lasts until the reset.
      doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451],
    },
    throttle: {
      id: options.throttleId,
      onRateLimit: (retryAfter: number, _options: unknown, _octokit: unknown, retryCount: number) => shortWait(retryAfter, retryCount),
      onSecondaryRateLimit: (retryAfter: number, _options: unknown, _octokit: unknown, retryCount: number) => shortWait(retryAfter, retryCount),
    },
  });
}

/** Every call names the REST API version it was written against. */
export const API_VERSION_HEADERS = { 'x-github-api-version': '2022-11-28' } as const;
