import { ForgeMisconfiguredError } from '../errors.js';

/**
 * The REST API base for a GitHub web URL: github.com → api.github.com; a GHE.com data-residency host
 * (<sub>.ghe.com) → api.<sub>.ghe.com; any other host is Enterprise Server, with its API at /api/v3.
 */
export function gitHubApiBaseUrl(githubUrl: string): string {
  let url: URL;
  try {
    url = new URL(githubUrl);
  } catch {
    throw new ForgeMisconfiguredError('githubUrl is not a valid URL', 'githubUrl');
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password) {
    throw new ForgeMisconfiguredError('githubUrl must be an http(s) URL without credentials', 'githubUrl');
  }
  const host = url.hostname.toLowerCase().replace(/\.$/, '');
  if (host === 'github.com' || host === 'www.github.com' || host === 'api.github.com') return 'https://api.github.com';
  if (host.endsWith('.ghe.com')) {
    return `https://${host.startsWith('api.') ? host : `api.${host}`}`;
  }
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.origin}${path.endsWith('/api/v3') ? path : `${path}/api/v3`}`;
}
