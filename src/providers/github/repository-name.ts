import { ForgeNotFoundError } from '../errors.js';

/** A repository's `owner/name` (a trailing `.git` allowed), split; ForgeNotFoundError for anything else. */
export function parseFullName(repository: string): { owner: string; repo: string } {
  const match = /^([^/\s]+)\/([^/\s]+)$/.exec(repository.trim());
  if (!match) throw new ForgeNotFoundError(`Repository "${repository.slice(0, 200)}" not found: a GitHub repository is named owner/name`);
  return { owner: match[1]!, repo: match[2]!.replace(/\.git$/, '') };
}
