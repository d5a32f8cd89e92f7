import { ForgeNotFoundError } from '../errors.js';
import type { ForgeAdapter } from '../types.js';
import { isStatusAnswer, withStatusAnswers } from './errors.js';
import type { GiteaCalls } from './repository-access.js';
import { parseFullName, repositoryPath } from './repository-name.js';

/** Access modes of RepoCollaboratorPermission.permission that may push (perm.AccessMode >= write). */
const MAY_PUSH = new Set(['write', 'admin', 'owner']);

/**
 * isTrustedAuthor: the repository's owner, else the author's effective access to the repository, GET
 * /repos/{owner}/{repo}/collaborators/{login}/permission (organization teams, collaborators and site admins
 * count; routers/api/v1/repo/collaborators.go GetRepoPermissions). Gitea shows another user's access only to repo
 * admins and site admins (403 otherwise); then GET /repos/{owner}/{repo}/collaborators/{login} says whether the
 * author is an explicit collaborator (204, any access mode) or not (404; 422 for an unknown user). An author
 * Gitea does not know, or a repository it does not show, is not trusted.
 */
export function giteaTrustedAuthor(calls: GiteaCalls): ForgeAdapter['isTrustedAuthor'] {
  return async (repository, author) => {
    const target = repositoryPath(repository);
    const login = author.login?.trim();
    if (!login || !isUserName(login)) return false;
    if (login.toLowerCase() === parseFullName(repository).owner.toLowerCase()) return true;
    const user = encodeURIComponent(login);
    try {
      return await calls.tellingAuthFromNotFound(async () => {
        const { data: access } = await calls.call((a) => withStatusAnswers(a.repos.repoGetRepoPermissions(target.o, target.r, user), [403]), target.notFound);
        if (!isStatusAnswer(access)) return MAY_PUSH.has(access.permission ?? '');
        const { data: collaborator } = await calls.call((a) => withStatusAnswers(a.repos.repoCheckCollaborator(target.o, target.r, user), [404, 422]), target.notFound);
        return isStatusAnswer(collaborator) && collaborator.answeredStatus === 204;
      });
    } catch (error) {
      if (error instanceof ForgeNotFoundError) return false;
      throw error;
    }
  };
}

/** Gitea user names (models/user IsUsableUsername's character set). */
function isUserName(login: string): boolean {
  return /^[A-Za-z0-9_.-]{1,40}$/.test(login) && login !== '.' && login !== '..';
}
