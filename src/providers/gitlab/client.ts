import { Branches, Commits, Groups, ProjectHooks, ProjectMembers, Projects, Repositories, Users } from '@gitbeaker/rest';
import type { ForgeHttp } from '../http/forge-http.js';
import type { GitLabConfig } from './config.js';
import type { GitLabTarget } from './errors.js';
import { createForgeRequesterFn } from './requester.js';

/** The gitbeaker resources the adapter uses, all on ForgeHttp through the forge requester, for one access token. */
export interface GitLabClient {
  users: InstanceType<typeof Users<false>>;
  projects: InstanceType<typeof Projects<false>>;
  groups: InstanceType<typeof Groups<false>>;
  branches: InstanceType<typeof Branches<false>>;
  commits: InstanceType<typeof Commits<false>>;
  repositories: InstanceType<typeof Repositories<false>>;
  projectMembers: InstanceType<typeof ProjectMembers<false>>;
  projectHooks: InstanceType<typeof ProjectHooks<false>>;
}

/**
 * Runs one GitLab call with the provider's current token (`token` is the one the client sends); any failure comes
 * out as a typed ForgeError, with the token and any of `secrets` (e.g. a webhook's) kept out of its message.
 */
export type GitLabCall = <T>(target: GitLabTarget, run: (client: GitLabClient, token: string) => Promise<T>, secrets?: readonly string[]) => Promise<T>;

export function createGitLabClient(config: GitLabConfig, accessToken: string, http: ForgeHttp): GitLabClient {
  const options = {
    host: config.host,
    oauthToken: accessToken,
    requesterFn: createForgeRequesterFn(http, config.forgeName),
    // ForgeHttp sets the deadline of every call; gitbeaker's own 300 s one is not needed.
    queryTimeout: null,
    // No client-side queue either: GitLab's own limits (RateLimit-*, 429 + Retry-After) are what count.
    rateLimits: {},
  };
  return {
    users: new Users(options),
    projects: new Projects(options),
    groups: new Groups(options),
    branches: new Branches(options),
    commits: new Commits(options),
    repositories: new Repositories(options),
    projectMembers: new ProjectMembers(options),
    projectHooks: new ProjectHooks(options),
  };
}
