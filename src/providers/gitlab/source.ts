import { ForgeNotFoundError } from '../errors.js';
import type { ForgeAdapter, RepositoryInfo } from '../types.js';
import type { GitLabCall } from './client.js';
import { cloneUrlOnForge } from './clone-url.js';
import type { GitLabConfig } from './config.js';
import { projectRef } from './project-ref.js';
import { commitFromWire, repositoryFromProject, type GitLabCommit, type GitLabProject } from './wire.js';

/** GitLab's documented username for git over HTTPS with an OAuth access token (doc/api/oauth2.md). */
const GIT_USERNAME = 'oauth2';

/**
 * One project (`GET /projects/:id`), the commit a ref names (`GET /projects/:id/repository/commits/:sha`, which
 * takes a branch or tag name as well as a sha) and how git clones it: the project's http_url_to_repo, on the URL
 * the service reaches GitLab at, with the OAuth token that was just accepted for the project.
 */
export function gitLabSource(call: GitLabCall, connect: () => GitLabConfig): Pick<ForgeAdapter, 'getRepository' | 'resolveCommit' | 'sourceAccess'> {
  function showProject(repository: string): Promise<{ project: GitLabProject; token: string }> {
    connect();
    const { name, id } = projectRef(repository);
    return call({ kind: 'project', project: name }, async (client, token) => ({
      project: (await client.projects.show(id)) as unknown as GitLabProject,
      token,
    }));
  }

  return {
    async getRepository(repository): Promise<RepositoryInfo> {
      const { project } = await showProject(repository);
      return repositoryFromProject(project);
    },

    async resolveCommit(repository, ref) {
      connect();
      const { name, id } = projectRef(repository);
      const wanted = ref.trim();
      if (!wanted) throw new ForgeNotFoundError(`No branch, tag or commit of GitLab project "${name}" was named`);
      const commit = await call({ kind: 'commit', project: name, ref: wanted }, async (client) => {
        // Diff stats cost GitLab a diff; only the commit is needed.
        return (await client.commits.show(id, wanted, { stats: false })) as unknown as GitLabCommit;
      });
      return commitFromWire(commit);
    },

    async sourceAccess(repository) {
      const { project, token } = await showProject(repository);
      return { cloneUrl: cloneUrlOnForge(project.http_url_to_repo, connect()), username: GIT_USERNAME, password: token };
    },
  };
}
