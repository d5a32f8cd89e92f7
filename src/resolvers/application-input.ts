import picomatch from 'picomatch';
import type { TriggerType } from '../generated/prisma/enums.js';
import { ValidationError } from './errors.js';

export interface ApplicationInput {
  name?: string | null;
  gitProviderId?: string | null;
  repository?: string | null;
  branch?: string | null;
  buildCommand?: string | null;
  autoDeploy?: boolean | null;
  triggerType?: TriggerType | null;
  watchPaths?: string[] | null;
  previews?: boolean | null;
}

const MAX_NAME = 100;
const MAX_BUILD_COMMAND = 4096;
const MAX_WATCH_PATHS = 50;
const MAX_GLOB = 256;

export function checkName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed) throw new ValidationError('name', 'name must not be blank');
  if (trimmed.length > MAX_NAME) throw new ValidationError('name', `name must be at most ${MAX_NAME} characters`);
  return trimmed;
}

export function checkRepository(repository: string): string {
  const trimmed = repository.trim();
  if (!trimmed) throw new ValidationError('repository', 'repository must not be blank');
  if (trimmed.length > 512 || /[\s\\]/.test(trimmed) || trimmed.includes('..')) {
    throw new ValidationError('repository', 'repository must be the forge’s name of it as `repositories` lists it (owner/name, group/project, workspace/slug or a GitLab project id)');
  }
  return trimmed;
}

/** A branch, tag or commit name as git allows it (the rules of `git check-ref-format`, less the rare ones). */
export function checkRef(field: string, ref: string): string {
  const bad =
    !ref ||
    ref.length > 255 ||
    /[\x00-\x20\x7f~^:?*[\\]/.test(ref) ||
    ref.includes('..') ||
    ref.includes('@{') ||
    ref.includes('//') ||
    ref.startsWith('-') ||
    ref.startsWith('/') ||
    ref.endsWith('/') ||
    ref.endsWith('.') ||
    ref.endsWith('.lock') ||
    ref === '@';
  if (bad) throw new ValidationError(field, `${field} “${ref.slice(0, 80)}” is not a valid git ref name`);
  return ref;
}

export function checkBuildCommand(command: string | null): string | null {
  if (command === null) return null;
  const trimmed = command.trim();
  if (!trimmed) return null;
  if (trimmed.length > MAX_BUILD_COMMAND) throw new ValidationError('buildCommand', `buildCommand must be at most ${MAX_BUILD_COMMAND} characters`);
  if (trimmed.includes('\0')) throw new ValidationError('buildCommand', 'buildCommand must not contain NUL characters');
  return trimmed;
}

/** Globs over repository paths (picomatch syntax, `!` to exclude), as deployments on push match changed files. */
export function checkWatchPaths(paths: string[]): string[] {
  if (paths.length > MAX_WATCH_PATHS) throw new ValidationError('watchPaths', `at most ${MAX_WATCH_PATHS} watch paths`);
  return paths.map((path, index) => {
    const glob = path.trim();
    if (!glob || glob.length > MAX_GLOB) throw new ValidationError('watchPaths', `watchPaths[${index}] must be a glob of 1 to ${MAX_GLOB} characters`);
    try {
      picomatch.makeRe(glob.replace(/^!/, ''), { strictBrackets: true });
    } catch {
      throw new ValidationError('watchPaths', `watchPaths[${index}] “${glob}” is not a valid glob`);
    }
    return glob;
  });
}
