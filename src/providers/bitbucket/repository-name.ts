import { ForgeNotFoundError } from '../errors.js';
import { FORGE } from './errors.js';

/** The path parameters of a repository's endpoints. */
export interface RepositoryPath {
  workspace: string;
  repo_slug: string;
}

/** `workspace/slug` as the endpoints' path parameters; anything else names no Bitbucket repository. */
export function repositoryPath(repository: string): RepositoryPath {
  const [workspace, slug, ...rest] = repository.split('/');
  if (!workspace || !slug || rest.length > 0) {
    throw new ForgeNotFoundError(`${FORGE} repositories are named workspace/slug; "${repository}" is not`);
  }
  return { workspace, repo_slug: slug };
}
