import { ForgeMisconfiguredError } from '../errors.js';
import type { GiteaAdapterSettings } from '../settings.js';
import { apiRoot } from './client.js';

/**
 * Gitea accepts a token as the HTTP Basic password with any username (services/auth/basic.go tries the
 * password as an OAuth2 access token, then as a personal access token); `oauth2` says which kind it is.
 */
export const GITEA_GIT_USERNAME = 'oauth2';

/**
 * The URL git fetches from: the repository's `clone_url`, which Gitea builds on its ROOT_URL. It must lie under
 * the provider's giteaUrl (or giteaInternalUrl), the only hosts the credentials are meant for; with an internal
 * URL the public root is swapped for it, as for API calls. Anything else (a ROOT_URL pointing elsewhere, a
 * proxy rewriting bodies) is refused rather than sent the token.
 */
export function giteaCloneUrl(settings: GiteaAdapterSettings, reported: string): string {
  const publicRoot = apiRoot(settings.giteaUrl, 'giteaUrl');
  const internalRoot = settings.giteaInternalUrl ? apiRoot(settings.giteaInternalUrl, 'giteaInternalUrl') : null;
  let url: URL;
  try {
    url = new URL(reported);
  } catch {
    throw new ForgeMisconfiguredError('Gitea reported a clone URL that is not a URL', 'giteaUrl');
  }
  if (!url.username && !url.password && !url.search && !url.hash) {
    const location = `${url.origin}${url.pathname}`;
    for (const root of [publicRoot, internalRoot]) {
      if (root && location.startsWith(`${root}/`)) return `${internalRoot ?? publicRoot}${location.slice(root.length)}`;
    }
  }
  const configured = internalRoot ? 'giteaUrl or giteaInternalUrl' : 'giteaUrl';
  throw new ForgeMisconfiguredError(
    `Gitea reported a clone URL on ${url.origin}, outside the provider's ${configured}; the credentials are not sent there (check Gitea's ROOT_URL)`,
    'giteaUrl',
  );
}
