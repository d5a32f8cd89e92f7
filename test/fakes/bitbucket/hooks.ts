import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import { errorBody } from './bodies.js';

type Json = Record<string, any>;

/** `webhook_subscription.events`' enum in the official spec (as typed in @coderabbitai/bitbucket). */
export const HOOK_EVENTS = [
  'issue:comment_created',
  'issue:created',
  'issue:updated',
  'project:updated',
  'pullrequest:approved',
  'pullrequest:changes_request_created',
  'pullrequest:changes_request_removed',
  'pullrequest:comment_created',
  'pullrequest:comment_deleted',
  'pullrequest:comment_reopened',
  'pullrequest:comment_resolved',
  'pullrequest:comment_updated',
  'pullrequest:created',
  'pullrequest:fulfilled',
  'pullrequest:push',
  'pullrequest:rejected',
  'pullrequest:unapproved',
  'pullrequest:updated',
  'repo:commit_comment_created',
  'repo:commit_status_created',
  'repo:commit_status_updated',
  'repo:created',
  'repo:deleted',
  'repo:fork',
  'repo:imported',
  'repo:push',
  'repo:transfer',
  'repo:updated',
];

/** A repository webhook as the fake keeps it. */
export interface FakeBitbucketHook {
  /** `{…}`, braces included. */
  uuid: string;
  /** `workspace/slug`. */
  repository: string;
  url: string;
  description: string;
  active: boolean;
  /** Never in an answer; null when the hook has none. */
  secret: string | null;
  events: string[];
  createdAt: string;
}

type HookInput = Pick<FakeBitbucketHook, 'url' | 'description' | 'active' | 'secret' | 'events'>;

/**
 * The body of POST …/hooks, by the `webhook_subscription` schema and the operation's description: `url` (a URI
 * that "must properly resolve and cannot be an internal, non-routed address": loopback, private and link-local
 * literals and `localhost` are refused here, no name is resolved) and `events` (at least one, each of the enum,
 * no repeats) are required; `secret` is a string of at most 128 characters or null/"" for none; `active` and
 * `description` are optional. A bad body is a 400 whose `error.data.fields` names each field ([synth] wording,
 * in the spec's `error` envelope, as the fake's build statuses do).
 */
export function readHookInput(raw: string): HookInput | { status: 400; body: Json } {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return { status: 400, body: errorBody('Bad request: the body is not JSON') };
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { status: 400, body: errorBody('Bad request: the body is not a JSON object') };
  const input = body as Record<string, unknown>;
  const fields: Record<string, string[]> = {};
  const url = input.url;
  if (typeof url !== 'string' || url.trim() === '') fields.url = ['This field is required.'];
  else if (!isRoutableUrl(url)) fields.url = ['Enter a valid URL that resolves to a public address.'];
  const events = input.events;
  if (!Array.isArray(events) || events.length === 0) fields.events = ['This field is required.'];
  else if (events.some((e) => typeof e !== 'string' || !HOOK_EVENTS.includes(e))) fields.events = ['Not a valid event.'];
  else if (new Set(events).size !== events.length) fields.events = ['Events must be unique.'];
  const secret = input.secret;
  if (secret !== undefined && secret !== null && (typeof secret !== 'string' || secret.length > 128)) fields.secret = ['Ensure this field has no more than 128 characters.'];
  if (input.active !== undefined && typeof input.active !== 'boolean') fields.active = ['Must be a valid boolean.'];
  if (input.description !== undefined && typeof input.description !== 'string') fields.description = ['Not a valid string.'];
  if (Object.keys(fields).length > 0) {
    const refusal = errorBody('Bad request');
    refusal.error.data = { fields };
    return { status: 400, body: refusal };
  }
  return {
    url: url as string,
    events: events as string[],
    secret: typeof secret === 'string' && secret !== '' ? secret : null,
    active: input.active !== false,
    description: (input.description as string | undefined) ?? '',
  };
}

function isRoutableUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return false;
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local') || host.endsWith('.internal')) return false;
  if (isIP(host) === 4) return !/^(0|10|127|169\.254|172\.(1[6-9]|2\d|3[01])|192\.168)\./.test(host);
  if (isIP(host) === 6) return !/^(::1?$|f[cd]|fe[89ab])/.test(host);
  return host.includes('.');
}

export function createHook(repository: string, input: HookInput): FakeBitbucketHook {
  return { uuid: `{${randomUUID()}}`, repository, ...input, createdAt: new Date().toISOString() };
}

/** A hook uid as the path names it, braces optional, for comparison. */
export function sameUid(hook: FakeBitbucketHook, uid: string): boolean {
  const bare = (text: string) => text.replace(/^\{|\}$/g, '').toLowerCase();
  return bare(hook.uuid) === bare(uid);
}

/** A `webhook_subscription` (official spec): `secret_set` instead of the secret. */
export function hookBody(hook: FakeBitbucketHook, api: string, subject: Json): Json {
  return {
    type: 'webhook_subscription',
    uuid: hook.uuid,
    url: hook.url,
    description: hook.description,
    subject_type: 'repository',
    subject,
    active: hook.active,
    created_at: hook.createdAt,
    events: hook.events,
    secret_set: hook.secret !== null,
    links: { self: { href: `${api}/repositories/${hook.repository}/hooks/${encodeURIComponent(hook.uuid)}` } },
  };
}

/**
 * The API token scopes an operation takes, as the Bitbucket Cloud REST reference lists them per operation:
 * reading hooks read:webhook, creating one read:webhook and write:webhook plus the scopes of the resources its
 * events are about ("this call requires the webhook scope, as well as any scope that applies to the events"),
 * deleting one delete:webhook.
 */
export function hookScopes(method: string, events: readonly string[] = []): string[] {
  if (method === 'DELETE') return ['delete:webhook:bitbucket'];
  if (method !== 'POST') return ['read:webhook:bitbucket'];
  const resources = new Set(events.map((e) => (e.startsWith('pullrequest:') ? 'read:pullrequest:bitbucket' : e.startsWith('issue:') ? 'read:issue:bitbucket' : e.startsWith('project:') ? 'read:project:bitbucket' : 'read:repository:bitbucket')));
  return ['read:webhook:bitbucket', 'write:webhook:bitbucket', ...resources];
}
