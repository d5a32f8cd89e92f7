import { Api } from 'gitea-js';
import { ForgeMisconfiguredError } from '../errors.js';
import type { FetchFn } from '../http/forge-http.js';
import type { GiteaAdapterSettings } from '../settings.js';

export type GiteaClient = Api<string>;

/**
 * The gitea-js client for a provider: server-to-server calls go to `giteaInternalUrl` when set, the API is
 * under /api/v1, and the token is sent as `Authorization: token <t>` (Gitea's documented form, which also
 * works for Forgejo and Codeberg). gitea-js's own `giteaApi(url, { token })` sends `Bearer`, so the client
 * is built with its `securityWorker` instead. One client per access token (the token source may hand out a
 * refreshed one). Throws ForgeMisconfiguredError for settings that cannot work.
 */
export function createGiteaClient(settings: GiteaAdapterSettings, accessToken: string | null, fetchFn: FetchFn): GiteaClient {
  const token = accessToken?.trim();
  if (!token) throw new ForgeMisconfiguredError('The Gitea provider has no access token', 'accessToken');
  const field = settings.giteaInternalUrl ? 'giteaInternalUrl' : 'giteaUrl';
  const api = new Api<string>({
    baseUrl: `${apiRoot(settings.giteaInternalUrl ?? settings.giteaUrl, field)}/api/v1`,
    baseApiParams: { format: 'json' },
    customFetch: fetchFn,
    securityWorker: (secret) => (secret ? { headers: { Authorization: `token ${secret}` } } : undefined),
  });
  api.setSecurityData(token);
  return api;
}

/** `https://host[/prefix]` without a trailing slash, query or fragment. */
export function apiRoot(raw: string, field: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ForgeMisconfiguredError(`The Gitea provider's ${field} is not a valid URL`, field);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ForgeMisconfiguredError(`The Gitea provider's ${field} must be an http(s) URL`, field);
  }
  if (url.username || url.password) {
    throw new ForgeMisconfiguredError(`The Gitea provider's ${field} must not carry credentials`, field);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}
