import { ForgeNotFoundError } from '../errors.js';

/**
 * A repository as the adapter is given it (a path with namespace, or the numeric project id), as GitLab's `:id`
 * takes it: gitbeaker URL-encodes a path ("group%2Fproject"). `name` is what errors call it.
 */
export function projectRef(repository: string): { name: string; id: string | number } {
  const name = repository.trim().replace(/^\/+|\/+$/g, '');
  if (!name) throw new ForgeNotFoundError('No GitLab project was named');
  return { name, id: /^\d+$/.test(name) ? Number(name) : name };
}
