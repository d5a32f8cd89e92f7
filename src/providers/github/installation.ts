import { createAppAuth } from '@octokit/auth-app';
import { Octokit } from '@octokit/core';
import { ForgeInstallationRemovedError, ForgeMisconfiguredError, ForgeNotFoundError } from '../errors.js';
import type { ForgeHttp } from '../http/forge-http.js';
import { gitHubApiBaseUrl } from './api-url.js';
import { API_VERSION_HEADERS } from './client.js';
import { gitHubForgeError } from './errors.js';

const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

export interface AppCredentials {
  githubUrl: string;
  githubAppId: number;
  githubPrivateKey: string;
}

export interface VerifiedInstallation {
  installationId: string;
  /** The account the App is installed on. */
  account: string | null;
}

/**
 * Checks, as the App (a JWT signed with its private key), that `installationId` is an installation of this
 * App: `GET /app/installations/{id}` answers only for the App's own installations (404 otherwise), and its
 * `app_id` must be the App's. One attempt, no retry plugin (it answers a browser redirect), through
 * ForgeHttp's fetch (address policy and deadline). Throws a typed ForgeError; ForgeNotFoundError when the
 * installation is not this App's.
 */
export async function verifyInstallation(credentials: AppCredentials, http: ForgeHttp, installationId: string): Promise<VerifiedInstallation> {
  if (!/^[1-9][0-9]{0,18}$/.test(installationId)) throw new ForgeMisconfiguredError('The installation ID must be a positive integer', 'installation_id');
  const apiBaseUrl = gitHubApiBaseUrl(credentials.githubUrl);
  const octokit = new Octokit({
    baseUrl: apiBaseUrl,
    userAgent: 'forgegraph',
    log: silent,
    authStrategy: createAppAuth,
    auth: { appId: credentials.githubAppId, privateKey: credentials.githubPrivateKey, log: silent },
    request: { fetch: http.fetchFn({ retry: false }), log: silent },
  });
  let data: { app_id?: unknown; account?: unknown };
  try {
    ({ data } = await octokit.request('GET /app/installations/{installation_id}', { installation_id: Number(installationId), headers: API_VERSION_HEADERS }));
  } catch (error) {
    const failure = gitHubForgeError(error, { onInstallationTokenRejected: () => {}, installationId, apiBaseUrl });
    // Here a 404 means "not an installation of this App": the setup page reports it as not found.
    if (failure instanceof ForgeInstallationRemovedError && failure.reason === 'deleted') {
      throw new ForgeNotFoundError(`GitHub App installation ${installationId} not found (uninstalled, or an installation of another App)`);
    }
    throw failure;
  }
  if (data.app_id !== credentials.githubAppId) {
    throw new ForgeNotFoundError(`GitHub App installation ${installationId} is an installation of another App`);
  }
  const account = data.account as { login?: string; slug?: string } | null | undefined;
  return { installationId, account: account?.login ?? account?.slug ?? null };
}
