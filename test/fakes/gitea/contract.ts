import { readFileSync } from 'node:fs';

/** The Gitea contract examples (verbatim copies in ./contract), which every fake response body starts from. */
function load<T>(file: string): T {
  return JSON.parse(readFileSync(new URL(`./contract/${file}`, import.meta.url), 'utf8')) as T;
}

export type Json = Record<string, unknown>;

const user = load<Json>('GET_user.200.json');
const repository = load<Json>('GET_repos_owner_repo.200.json');
const branch = load<Json[]>('GET_repos_owner_repo_branches.200.json')[0]!;
const errors = load<Record<string, unknown>>('error-bodies.json');

/** A fresh deep copy of an example, so overrides never leak between responses. */
const copy = <T>(value: T): T => structuredClone(value);

export const giteaExamples = {
  user: () => copy(user),
  repository: () => copy(repository),
  branch: () => copy(branch),
  /** `401 token is required` (reqToken), the answer for a missing, unknown or expired token. */
  unauthorized: () => copy(errors['401_missing_or_invalid_token (reqToken; an unknown/expired OAuth token just leaves the request anonymous, so you get this)'] as Json),
  notFound: () => copy(errors['404'] as Json),
  repoNotVisible: () => copy(errors['404_repo_not_visible'] as Json),
  insufficientScope: () => copy(errors['403_insufficient_scope'] as Json),
  validation: () => copy(errors['422_validation'] as Json),
};
