import type { FakeRequest } from '../fake-server.js';
import { errorBody, fullNameOf, type Account, type FakeBase, type RepositoryRecord } from './bodies.js';
import type { RepositoryContent } from './repository-content.js';
import { commitBody, statusBody, tagBody, type StatusRecord } from './source-bodies.js';

export interface RouteResult {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface SourceRouteContext {
  base: FakeBase;
  repository: RepositoryRecord;
  content: RepositoryContent;
  /** The permissions of the installation token the request carries; null for an App JWT (which reaches no repository). */
  permissions: Record<string, string> | null;
  /** The App's bot account the token acts as. */
  actor: Account | null;
  recordStatus(status: Omit<StatusRecord, 'id'>): StatusRecord;
  paginate<T>(items: readonly T[]): { items: T[]; links: Record<string, string> };
  now(): number;
}

const STATES = ['error', 'failure', 'pending', 'success'] as const;
const DESCRIPTION_LIMIT = 140;
const GET_COMMIT_DOCS = 'https://docs.github.com/rest/commits/commits#get-a-commit';
const CREATE_STATUS_DOCS = 'https://docs.github.com/rest/commits/statuses#create-a-commit-status';

const notAccessible = (): RouteResult => ({ status: 403, body: errorBody('403_resource') });
const granted = (permissions: Record<string, string> | null, name: string, level: 'read' | 'write') =>
  !!permissions && (permissions[name] === 'write' || (level === 'read' && permissions[name] === 'read'));

/**
 * The repository's commits, tags and commit statuses (`rest` is the path after /repos/{owner}/{repo}), or null
 * for a path this module does not serve.
 */
export function sourceRoute(request: FakeRequest, rest: string, context: SourceRouteContext): RouteResult | null {
  const { base, repository, content } = context;
  if (request.method === 'GET' && rest === '/tags') {
    const { items, links } = context.paginate(content.tags());
    return { status: 200, headers: links, body: items.map((tag) => tagBody(base, repository, tag)) };
  }
  if (request.method === 'GET' && rest.startsWith('/commits/')) return getCommit(decodeURIComponent(rest.slice('/commits/'.length)), context);
  const statuses = /^\/statuses\/([^/]+)$/.exec(rest);
  if (request.method === 'POST' && statuses) return createStatus(request, decodeURIComponent(statuses[1]!), context);
  return null;
}

/**
 * GET /repos/{owner}/{repo}/commits/{ref} (https://docs.github.com/rest/commits/commits#get-a-commit): "Contents"
 * read on a private repository (403 "Resource not accessible by integration" without it); 409 "Git Repository
 * is empty." on an empty repository (spec: 409 conflict); 422 "No commit found for SHA: <ref>" for a ref that
 * names no commit (what GitHub answers for unknown branches, tags and shas alike, spec: 422).
 */
function getCommit(ref: string, { base, repository, content, permissions }: SourceRouteContext): RouteResult {
  if (repository.isPrivate && !granted(permissions, 'contents', 'read')) return notAccessible();
  if (content.isEmpty()) return { status: 409, body: { message: 'Git Repository is empty.', documentation_url: GET_COMMIT_DOCS, status: '409' } };
  const sha = ref ? content.resolve(ref) : null;
  const commit = sha ? content.commit(sha) : null;
  if (!commit) return { status: 422, body: { message: `No commit found for SHA: ${ref}`, documentation_url: GET_COMMIT_DOCS, status: '422' } };
  return { status: 200, body: commitBody(base, repository, commit) };
}

/**
 * POST /repos/{owner}/{repo}/statuses/{sha} (https://docs.github.com/rest/commits/statuses#create-a-commit-status):
 * the App needs "Commit statuses" write (403 "Resource not accessible by integration" without it); the sha must
 * name a commit of the repository (422 "No commit found for SHA: …"); `state` must be one of error, failure,
 * pending, success and `description` at most 140 characters (422 Validation Failed with the `custom` errors
 * GitHub sends for them); `context` defaults to "default". Answers 201 with the status and its Location.
 */
function createStatus(request: FakeRequest, sha: string, context: SourceRouteContext): RouteResult {
  const { base, repository, content, permissions } = context;
  if (!granted(permissions, 'statuses', 'write')) return notAccessible();
  let input: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(request.body || '{}');
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    input = parsed as Record<string, unknown>;
  } catch {
    return { status: 400, body: { message: 'Problems parsing JSON', documentation_url: CREATE_STATUS_DOCS, status: '400' } };
  }
  if (!/^[0-9a-f]{40}$/i.test(sha) || !content.commit(sha.toLowerCase())) {
    return { status: 422, body: { message: `No commit found for SHA: ${sha}`, documentation_url: CREATE_STATUS_DOCS, status: '422' } };
  }
  // Wrong JSON types fail GitHub's schema check before any validation (422 "Invalid request."; its wording is not documented).
  for (const [field, nullable] of [['state', false], ['context', false], ['description', true], ['target_url', true]] as const) {
    const value = input[field];
    if (value !== undefined && !(nullable && value === null) && typeof value !== 'string') {
      return { status: 422, body: { message: `Invalid request.\n\nFor 'properties/${field}', ${JSON.stringify(value)} is not a string.`, documentation_url: CREATE_STATUS_DOCS, status: '422' } };
    }
  }
  const state = input.state as string | undefined;
  const description = (input.description as string | null | undefined) ?? null;
  const targetUrl = (input.target_url as string | null | undefined) ?? null;
  const name = (input.context as string | undefined) || 'default';
  const invalid: { field: string; message: string }[] = [];
  if (!state || !(STATES as readonly string[]).includes(state)) invalid.push({ field: 'state', message: 'state is not included in the list' });
  if (description !== null && [...description].length > DESCRIPTION_LIMIT) invalid.push({ field: 'description', message: `description is too long (maximum is ${DESCRIPTION_LIMIT} characters)` });
  if (invalid.length) {
    return {
      status: 422,
      body: { ...errorBody('422_validation'), errors: invalid.map((e) => ({ resource: 'Status', code: 'custom', ...e })), documentation_url: CREATE_STATUS_DOCS },
    };
  }
  const record = context.recordStatus({
    repository: fullNameOf(repository),
    sha: sha.toLowerCase(),
    state: state as StatusRecord['state'],
    context: name,
    description,
    targetUrl,
    createdAt: new Date(context.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    creator: context.actor ?? repository.owner,
  });
  return { status: 201, headers: { location: `${base.api}/repos/${fullNameOf(repository)}/statuses/${record.sha}` }, body: statusBody(base, repository, record) };
}
