import type { HttpResponse } from 'gitea-js';
import { ForgeMisconfiguredError, ForgeNotFoundError, ForgeUnreachableError, type ForgeError } from '../errors.js';
import type { GiteaAdapterSettings } from '../settings.js';
import type { CommitInfo, CommitStatus, ForgeAdapter, RepositoryInfo, SourceAccess } from '../types.js';
import type { GiteaClient } from './client.js';
import { toCreateStatusOption } from './commit-status.js';
import { isGiteaRefName, toCommitInfo } from './commits.js';
import { unreadableBody } from './errors.js';
import { toRepositoryInfo } from './mapping.js';
import { repositoryPath, type RepositoryPath } from './repository-name.js';
import { GITEA_GIT_USERNAME, giteaCloneUrl } from './source.js';

/** What these methods use of the adapter: its calls, with their token handling and error mapping. */
export interface GiteaCalls {
  call<T>(request: (api: GiteaClient) => Promise<HttpResponse<T, unknown>>, notFound: () => ForgeError): Promise<{ data: T; headers: Headers; token: string | null }>;
  /** Runs `read`, turning a 404 that an unaccepted token caused into the auth error (see the adapter). */
  tellingAuthFromNotFound<T>(read: () => Promise<T>): Promise<T>;
  /** GET /user now: the token Gitea accepted (refreshed once on 401), or the auth error. */
  checkedToken(): Promise<string | null>;
  urlField: string;
}

type RepositoryAccess = Pick<ForgeAdapter, 'getRepository' | 'resolveCommit' | 'sourceAccess' | 'setCommitStatus'>;

/**
 * What a deployment needs of a Gitea repository:
 * - getRepository: GET /repos/{owner}/{repo}
 * - resolveCommit: GET /repos/{owner}/{repo}/git/commits/{ref}?stat=false&verification=false&files=false; Gitea
 *   documents `{sha}` there as "a git ref or commit sha" and resolves it as git does (a tag wins over a branch
 *   of the same name)
 * - sourceAccess: GET /repos/{owner}/{repo} for `clone_url`, and GET /user when the repository is public
 * - setCommitStatus: POST /repos/{owner}/{repo}/statuses/{sha}
 */
export function giteaRepositoryAccess(settings: GiteaAdapterSettings, calls: GiteaCalls): RepositoryAccess {
  const readRepository = (target: RepositoryPath) =>
    calls.tellingAuthFromNotFound(async () => {
      const { data, token } = await calls.call((a) => a.repos.repoGet(target.o, target.r), target.notFound);
      return { repository: toRepositoryInfo(data), token };
    });

  const noCommit = (target: RepositoryPath, ref: string) => () =>
    new ForgeNotFoundError(`The Gitea repository ${target.fullName} has no branch, tag or commit "${ref.slice(0, 200)}", or is not visible to these credentials`);

  /** `ref` must pass isGiteaRefName. */
  async function readCommit(target: RepositoryPath, ref: string): Promise<CommitInfo> {
    const { data } = await calls.call(
      (a) => a.repos.repoGetSingleCommit(target.o, target.r, encodeURIComponent(ref), { stat: false, verification: false, files: false }),
      noCommit(target, ref),
    );
    const commit = toCommitInfo(data);
    if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(commit.sha)) throw unreadableBody(null, calls.urlField);
    return commit;
  }

  return {
    async getRepository(repository: string): Promise<RepositoryInfo> {
      return (await readRepository(repositoryPath(repository))).repository;
    },

    async resolveCommit(repository: string, ref: string): Promise<CommitInfo> {
      const target = repositoryPath(repository);
      if (!isGiteaRefName(ref)) throw noCommit(target, ref)();
      return calls.tellingAuthFromNotFound(() => readCommit(target, ref));
    },

    async sourceAccess(repository: string): Promise<SourceAccess> {
      const found = await readRepository(repositoryPath(repository));
      // Gitea answers public repositories anonymously, so reading one proves nothing about the token, yet git
      // fails on Basic credentials Gitea does not accept even for a public repository: GET /user checks it.
      const token = found.repository.isPrivate ? found.token : await calls.checkedToken();
      if (!token) throw new ForgeMisconfiguredError('The Gitea provider has no access token', 'accessToken');
      return { cloneUrl: giteaCloneUrl(settings, found.repository.cloneUrl), username: GITEA_GIT_USERNAME, password: token };
    },

    async setCommitStatus(repository: string, sha: string, status: CommitStatus): Promise<void> {
      const target = repositoryPath(repository);
      if (!/^[0-9a-f]{4,64}$/i.test(sha)) throw new ForgeNotFoundError(`"${sha.slice(0, 100)}" is not a commit sha`);
      try {
        await calls.tellingAuthFromNotFound(() => calls.call((a) => a.repos.repoCreateStatus(target.o, target.r, sha, toCreateStatusOption(status)), target.notFound));
      } catch (error) {
        if (!(error instanceof ForgeUnreachableError) || error.timedOut) throw error;
        // Gitea answers 500 when the commit does not exist (CreateCommitStatus fails in GetCommit): asking for
        // the commit tells that apart from a real server error.
        const missing = await readCommit(target, sha).then(
          () => null,
          (probe: unknown) => (probe instanceof ForgeNotFoundError ? probe : null),
        );
        throw missing ?? error;
      }
    },
  };
}
