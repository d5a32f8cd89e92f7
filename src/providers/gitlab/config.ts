import { ForgeMisconfiguredError } from '../errors.js';
import type { GitLabAdapterSettings } from '../settings.js';

/** The settings a GitLab adapter works from, checked. */
export interface GitLabConfig {
  /** Where server-to-server calls go: gitlabInternalUrl when set, else gitlabUrl (no trailing slash). */
  host: string;
  /** How errors name the forge: "GitLab (host[:port])"; never credentials or paths. */
  forgeName: string;
  /** groupName split on commas; empty when the provider is not restricted to groups. */
  groups: string[];
  /**
   * gitlabUrl (no trailing slash) when calls go to gitlabInternalUrl: the instance's external URL, on which GitLab
   * reports its own URLs (http_url_to_repo). Null when it is the same as `host` or not a usable URL.
   */
  publicBase: string | null;
}

export function gitLabConfig(settings: GitLabAdapterSettings): GitLabConfig {
  const field = settings.gitlabInternalUrl?.trim() ? 'gitlabInternalUrl' : 'gitlabUrl';
  const raw = (settings.gitlabInternalUrl?.trim() || settings.gitlabUrl?.trim()) ?? '';
  if (!raw) throw new ForgeMisconfiguredError('The GitLab provider has no gitlabUrl', 'gitlabUrl');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ForgeMisconfiguredError(`The GitLab provider's ${field} is not a URL`, field);
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password) {
    throw new ForgeMisconfiguredError(`The GitLab provider's ${field} must be an http(s) URL without credentials`, field);
  }

  const groups = [...new Set((settings.groupName ?? '').split(',').map((group) => group.trim().replace(/^\/+|\/+$/g, '')).filter(Boolean))];
  // Self-managed GitLab may live under a path (https://host/gitlab); gitbeaker appends /api/v4.
  const host = base(url);
  const publicUrl = field === 'gitlabInternalUrl' ? parseHttpUrl(settings.gitlabUrl?.trim() ?? '') : null;
  const publicBase = publicUrl && base(publicUrl) !== host ? base(publicUrl) : null;
  return { host, forgeName: `GitLab (${url.host})`, groups, publicBase };
}

function base(url: URL): string {
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function parseHttpUrl(raw: string): URL | null {
  try {
    const url = new URL(raw);
    return (url.protocol === 'https:' || url.protocol === 'http:') && !url.username && !url.password ? url : null;
  } catch {
    return null;
  }
}

/**
 * The groups whose listings are read: a group inside another listed group is already covered, since
 * subgroups are included. Returns the groups kept and those dropped (with the group that covers each).
 */
export function effectiveGroups(groups: string[]): { kept: string[]; covered: { group: string; by: string }[] } {
  const kept: string[] = [];
  const covered: { group: string; by: string }[] = [];
  for (const group of groups) {
    const by = groups.find((other) => other !== group && group.toLowerCase().startsWith(`${other.toLowerCase()}/`));
    if (by) covered.push({ group, by });
    else kept.push(group);
  }
  return { kept, covered };
}
