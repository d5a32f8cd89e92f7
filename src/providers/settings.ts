/**
 * What each adapter is built from: the provider's fields (reference names) with its secrets opened,
 * plus service settings. Plain values only (and, for OAuth forges, a token source): adapters know nothing
 * of the database.
 */

/**
 * Where an OAuth adapter gets its access token, asked before every request. `current()` may refresh first
 * (a token about to expire); `afterUnauthorized(failed)` is asked once after the forge answered 401 for
 * `failed`, and answers the token to retry with, or null when there is nothing better (then the 401 stands).
 * Either may throw a ForgeError (e.g. ForgeReauthorizationRequiredError). A blank or null token means the
 * provider has none.
 */
export interface TokenSource {
  current(): Promise<string | null>;
  afterUnauthorized(failed: string): Promise<string | null>;
}

/** A token that never changes (a personal access token, or a test). */
export function staticTokenSource(token: string | null): TokenSource {
  return { current: () => Promise.resolve(token), afterUnauthorized: () => Promise.resolve(null) };
}
export interface GitHubAdapterSettings {
  type: 'GITHUB';
  /** https://github.com, an Enterprise Server host (API at /api/v3), or a ghe.com host (API at api.<host>). */
  githubUrl: string;
  githubAppId: number | null;
  githubClientId: string | null;
  githubPrivateKey: string | null;
  githubInstallationId: string | null;
}

export interface GitLabAdapterSettings {
  type: 'GITLAB';
  gitlabUrl: string;
  /** Used for server-to-server calls when set. */
  gitlabInternalUrl: string | null;
  tokens: TokenSource;
  /** Comma-separated group full paths; subgroups included. */
  groupName: string | null;
}

export interface BitbucketAdapterSettings {
  type: 'BITBUCKET';
  /** https://api.bitbucket.org/2.0 unless BITBUCKET_API_URL overrides it. */
  apiUrl: string;
  bitbucketUsername: string | null;
  bitbucketEmail: string | null;
  appPassword: string | null;
  apiToken: string | null;
  bitbucketWorkspaceName: string | null;
}

export interface GiteaAdapterSettings {
  type: 'GITEA';
  giteaUrl: string;
  giteaInternalUrl: string | null;
  tokens: TokenSource;
}

export type AdapterSettings = GitHubAdapterSettings | GitLabAdapterSettings | BitbucketAdapterSettings | GiteaAdapterSettings;
