import { ForgeMisconfiguredError } from '../errors.js';
import type { GitLabConfig } from './config.js';

/**
 * Where git fetches a project from: the `http_url_to_repo` GitLab reports, moved onto the URL the service reaches
 * GitLab at. GitLab builds it on its configured external URL, so with a gitlabInternalUrl the public origin and
 * path prefix (a relative-URL install, https://host/gitlab) are swapped for the internal ones. A URL that is on
 * neither the provider's GitLab URL nor its internal URL (an instance whose external_url names another host, or a
 * reply that was tampered with) is refused: the access token is sent to wherever this points.
 */
export function cloneUrlOnForge(reported: string, config: Pick<GitLabConfig, 'host' | 'publicBase' | 'forgeName'>): string {
  let url: URL;
  try {
    url = new URL(reported);
  } catch {
    throw new ForgeMisconfiguredError(`${config.forgeName} reported a clone URL that is not a URL`);
  }
  if (url.username || url.password) {
    throw new ForgeMisconfiguredError(`${config.forgeName} reported a clone URL carrying credentials; refusing to use it`);
  }
  const target = new URL(config.host);
  for (const candidate of [config.publicBase, config.host]) {
    if (!candidate) continue;
    const base = new URL(candidate);
    const prefix = base.pathname.replace(/\/+$/, '');
    if (url.origin !== base.origin || !url.pathname.startsWith(`${prefix}/`)) continue;
    const moved = new URL(target.href);
    moved.pathname = `${target.pathname.replace(/\/+$/, '')}${url.pathname.slice(prefix.length)}`;
    moved.search = url.search;
    return moved.href;
  }
  throw new ForgeMisconfiguredError(
    `${config.forgeName} reported the clone URL on ${url.origin}, which is not the provider's GitLab URL${config.publicBase ? ' or internal URL' : ''}; refusing to send the access token there (check gitlabUrl against the instance's external_url)`,
    'gitlabUrl',
  );
}
