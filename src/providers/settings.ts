/**
 * What each adapter is built from: the provider's fields (reference names) with its secrets opened,
 * plus service settings. Plain values only: adapters know nothing of the database.
 */
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
  accessToken: string | null;
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
  accessToken: string | null;
}

export type AdapterSettings = GitHubAdapterSettings | GitLabAdapterSettings | BitbucketAdapterSettings | GiteaAdapterSettings;
