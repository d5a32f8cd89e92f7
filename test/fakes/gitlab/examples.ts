import { readFileSync } from 'node:fs';

/**
 * The GitLab contract examples (../shared/contracts/gitlab/examples), loaded once. The fake builds every
 * response body from these, overriding values only, so its shapes are GitLab's.
 */
const examplesDir = new URL('../../../../shared/contracts/gitlab/examples/', import.meta.url);

function load<T>(file: string): T {
  return JSON.parse(readFileSync(new URL(file, examplesDir), 'utf8')) as T;
}

export type JsonObject = Record<string, unknown>;

const projects = load<JsonObject[]>('GET_projects.200.json');
const simpleProjects = load<JsonObject[]>('GET_projects.simple=true.200.json');
const branches = load<JsonObject[]>('GET_projects_id_repository_branches.200.json');

export const examples = {
  /** Project entity (GET /projects, authenticated). */
  project: projects[0]!,
  /** BasicProjectDetails (simple=true or anonymous). */
  simpleProject: simpleProjects[0]!,
  branch: branches[0]!,
  user: load<JsonObject>('GET_user.200.json'),
  tokenInfo: load<JsonObject>('GET_oauth_token_info.200.json'),
};

/** A deep copy of an example with fields overridden (nested objects merged one level down when asked). */
export function fromExample(example: JsonObject, overrides: JsonObject): JsonObject {
  return { ...(structuredClone(example) as JsonObject), ...overrides };
}
