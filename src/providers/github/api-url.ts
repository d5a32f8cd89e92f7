import { ForgeMisconfiguredError } from '../errors.js';

function parseGitHubUrl(githubUrl: string): URL {
  let url: URL;
  try {
    url = new URL(githubUrl);
  } catch {
    throw new ForgeMisconfiguredError('githubUrl is not a valid URL', 'githubUrl');
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password) {
    throw new ForgeMisconfiguredError('githubUrl must be an http(s) URL without credentials', 'githubUrl');
  }
  return url;
}

const hostOf = (url: URL) => url.hostname.toLowerCase().replace(/\.$/, '');
const isGitHubCom = (host: string) => host === 'github.com' || host === 'www.github.com' || host === 'api.github.com';

/**
 * The REST API base for a GitHub web URL: github.com → api.github.com; a GHE.com data-residency host
 * (<sub>.ghe.com) → api.<sub>.ghe.com; any other host is Enterprise Server, with its API at /api/v3.
 */
export function gitHubApiBaseUrl(githubUrl: string): string {
  const url = parseGitHubUrl(githubUrl);
  const host = hostOf(url);
  if (isGitHubCom(host)) return 'https://api.github.com';
  if (host.endsWith('.ghe.com')) {
    return `https://${host.startsWith('api.') ? host : `api.${host}`}`;
  }
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.origin}${path.endsWith('/api/v3') ? path : `${path}/api/v3`}`;
}

/**
 * The origin GitHub serves its web pages and git from for a GitHub web URL (the host of a repository's
 * clone_url): https://github.com, https://<sub>.ghe.com (even when given as its api. host), or the
 * Enterprise Server's own origin.
 */
export function gitHubWebOrigin(githubUrl: string): string {
  const url = parseGitHubUrl(githubUrl);
  const host = hostOf(url);
  if (isGitHubCom(host)) return 'https://github.com';
  if (host.endsWith('.ghe.com')) return `https://${host.replace(/^api\./, '')}`;
  return url.origin;
}
