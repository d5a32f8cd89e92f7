import { ForgeNotFoundError, type ForgeError } from '../errors.js';

/** Gitea owner and repository names: letters, digits, `-`, `_`, `.` (never `.` or `..` alone). */
const NAME = /^[A-Za-z0-9_.-]+$/;

/** `owner/name` split and checked, so a name can never change the path of an API call. */
export function parseFullName(fullName: string): { owner: string; repo: string } {
  const parts = fullName.trim().split('/');
  const [owner, repo] = parts;
  if (parts.length !== 2 || !owner || !repo || ![owner, repo].every((p) => NAME.test(p) && p !== '.' && p !== '..')) {
    throw new ForgeNotFoundError(`"${fullName.slice(0, 200)}" is not a Gitea repository name (owner/name)`);
  }
  return { owner, repo };
}

/** A repository named by the caller: checked, encoded for the API path, and what a 404 for it means. */
export interface RepositoryPath {
  fullName: string;
  o: string;
  r: string;
  notFound: () => ForgeError;
}

export function repositoryPath(repository: string): RepositoryPath {
  const { owner, repo } = parseFullName(repository);
  return {
    fullName: `${owner}/${repo}`,
    o: encodeURIComponent(owner),
    r: encodeURIComponent(repo),
    notFound: () => new ForgeNotFoundError(`The Gitea repository ${owner}/${repo} does not exist or is not visible to these credentials`),
  };
}
