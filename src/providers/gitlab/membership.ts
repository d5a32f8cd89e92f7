import type { ForgeAdapter } from '../types.js';
import type { GitLabCall } from './client.js';
import type { GitLabConfig } from './config.js';
import { projectRef } from './project-ref.js';
import { GitLabResponseError } from './requester.js';

/** Developer: the first role that may push (doc/user/permissions.md). */
const DEVELOPER = 30;

/**
 * Whether the author may push to the project: `GET /projects/:id/members/all/:user_id` (doc/api/members.md), which
 * counts direct, inherited (ancestor groups) and invited (shared groups) membership and answers the highest role;
 * Developer and above are trusted. A user who is no member (404 "Not found") is not, nor an author without a
 * numeric user id (GitLab payloads give `author_id` / `user.id`).
 */
export function gitLabMembership(call: GitLabCall, connect: () => GitLabConfig): Pick<ForgeAdapter, 'isTrustedAuthor'> {
  return {
    async isTrustedAuthor(repository, author) {
      connect();
      const { name, id } = projectRef(repository);
      const userId = author.id?.trim() ?? '';
      if (!/^[1-9]\d{0,15}$/.test(userId)) return false;
      return call({ kind: 'members', project: name }, async (client) => {
        try {
          const member = (await client.projectMembers.show(id, Number(userId), { includeInherited: true })) as unknown as { access_level?: number };
          return (member.access_level ?? 0) >= DEVELOPER;
        } catch (error) {
          // "404 Project Not Found" is about the project and stays an error; "404 Not found" is about the member.
          if (error instanceof GitLabResponseError && error.status === 404 && !/project/i.test(error.forgeMessage ?? '')) return false;
          throw error;
        }
      });
    },
  };
}
