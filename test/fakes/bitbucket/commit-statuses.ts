import { randomUUID } from 'node:crypto';
import type { FakeResponse } from '../fake-server.js';
import { errorBody } from './bodies.js';

/** The `commitstatus` states of the official spec. */
const BUILD_STATES = ['INPROGRESS', 'SUCCESSFUL', 'FAILED', 'STOPPED'] as const;

/** A build status as the fake keeps it: one per repository, commit and key. */
export interface FakeCommitStatus {
  /** `workspace/slug`. */
  repository: string;
  /** The full sha. */
  commit: string;
  key: string;
  state: (typeof BUILD_STATES)[number];
  name: string | null;
  description: string | null;
  url: string;
  refname: string | null;
  uuid: string;
  createdOn: string;
  updatedOn: string;
  /** The account that created it: only it (or a repository admin) may overwrite it. */
  creatorUuid: string;
}

type StatusInput = Pick<FakeCommitStatus, 'key' | 'state' | 'name' | 'description' | 'url' | 'refname'>;

/**
 * The body of POST …/commit/{commit}/statuses/build: `state` must be one of the spec's enum, and `key` and
 * `url` are required. The Cloud reference is silent on which fields are required and its examples always send
 * all three; this follows Atlassian's build status API for Data Center ("the state, the key and the url fields
 * are mandatory"). `name`, `description` and `refname` are optional strings. A bad body is a 400 whose
 * `error.data.fields` names each field ([synth] wording, in the spec's `error` envelope).
 */
function parseStatusInput(raw: string): StatusInput | FakeResponse {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return { status: 400, body: errorBody('Bad request: the body is not JSON') };
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { status: 400, body: errorBody('Bad request: the body is not a JSON object') };
  const input = body as Record<string, unknown>;
  const fields: Record<string, string[]> = {};
  const required = (name: string) => {
    const value = input[name];
    if (typeof value !== 'string' || value.trim() === '') fields[name] = ['This field is required.'];
    return typeof value === 'string' ? value : '';
  };
  const optional = (name: string) => {
    const value = input[name];
    if (value === undefined || value === null) return null;
    if (typeof value !== 'string') fields[name] = ['Not a valid string.'];
    return typeof value === 'string' ? value : null;
  };
  const key = required('key');
  const url = required('url');
  const state = input.state;
  if (!BUILD_STATES.includes(state as never)) fields.state = [`"${String(state)}" is not a valid choice; use one of ${BUILD_STATES.join(', ')}.`];
  const name = optional('name');
  const description = optional('description');
  const refname = optional('refname');
  if (Object.keys(fields).length > 0) {
    const body = errorBody('Bad request');
    body.error.data = { fields };
    return { status: 400, body };
  }
  return { key, url, state: state as StatusInput['state'], name, description, refname };
}

/**
 * POST …/commit/{commit}/statuses/build once the repository and commit are known (official spec: 201
 * commitstatus). A status with the key of an existing one overwrites it, which only its creator or a
 * repository admin may do (Atlassian's notice "Updating commit status permissions", 2021); the 403 text is [synth].
 */
export function postStatus(
  statuses: FakeCommitStatus[],
  target: { repository: string; commit: string; body: string; callerUuid: string; callerIsAdmin: boolean; api: string },
): FakeResponse {
  const input = parseStatusInput(target.body);
  if ('status' in input) return input;
  const existing = statuses.find((s) => s.repository === target.repository && s.commit === target.commit && s.key === input.key);
  if (!existing) {
    const now = new Date().toISOString();
    const created: FakeCommitStatus = { repository: target.repository, commit: target.commit, ...input, uuid: `{${randomUUID()}}`, createdOn: now, updatedOn: now, creatorUuid: target.callerUuid };
    statuses.push(created);
    return { status: 201, body: statusBody(created, target.api) };
  }
  if (existing.creatorUuid !== target.callerUuid && !target.callerIsAdmin) {
    return { status: 403, body: errorBody('Only the creator of this build status or a repository admin can update it') };
  }
  Object.assign(existing, input, { updatedOn: new Date().toISOString() });
  return { status: 201, body: statusBody(existing, target.api) };
}

/** A `commitstatus` body (spec definition). */
function statusBody(status: FakeCommitStatus, api: string): Record<string, unknown> {
  const commit = `${api}/repositories/${status.repository}/commit/${status.commit}`;
  return {
    type: 'commitstatus',
    uuid: status.uuid,
    key: status.key,
    refname: status.refname,
    url: status.url,
    state: status.state,
    name: status.name,
    description: status.description,
    created_on: status.createdOn,
    updated_on: status.updatedOn,
    links: { self: { href: `${commit}/statuses/build/${encodeURIComponent(status.key)}` }, commit: { href: commit } },
  };
}
