import { isIP } from 'node:net';
import type { FakeRequest, FakeResponse } from '../fake-server.js';
import type { FakeProject } from './data.js';
import { paginate } from './pagination.js';

/** A project hook as GitLab keeps it (the token is never shown back). */
export interface FakeHook {
  id: number;
  projectId: number;
  url: string;
  /** The secret token (X-Gitlab-Token), or null when none was given. */
  token: string | null;
  pushEvents: boolean;
  tagPushEvents: boolean;
  mergeRequestsEvents: boolean;
  enableSslVerification: boolean;
  /** Every other boolean event setting sent, by its parameter name (issues_events, note_events, …). */
  otherEvents: Record<string, boolean>;
  createdAt: Date;
}

export interface HookOptions {
  now(): Date;
  /** The admin setting "Allow requests to the local network from webhooks and integrations" (off by default). */
  allowLocalNetwork(): boolean;
}

const JSON_TYPE = { 'content-type': 'application/json' };
const json = (status: number, body: unknown, headers: Record<string, string> = {}): FakeResponse => ({ status, headers: { ...JSON_TYPE, ...headers }, body });
/** The boolean settings of lib/api/project_hooks.rb's common_hook_parameters. */
const EVENT_PARAMS = [
  'push_events',
  'issues_events',
  'confidential_issues_events',
  'merge_requests_events',
  'tag_push_events',
  'note_events',
  'confidential_note_events',
  'job_events',
  'pipeline_events',
  'wiki_page_events',
  'deployment_events',
  'feature_flag_events',
  'releases_events',
  'emoji_events',
  'resource_access_token_events',
  'vulnerability_events',
  'enable_ssl_verification',
] as const;

/**
 * Project hooks (lib/api/project_hooks.rb, lib/api/helpers/web_hooks_helpers.rb, app/models/hooks/web_hook.rb,
 * lib/api/entities/project_hook.rb; doc/api/project_webhooks.md). The caller has authorized the request (Maintainer
 * role, `api` scope to write): this is the part after it.
 * - POST: `url` required (400 `{"error":"url is missing"}`); booleans coerced as Grape does (400 `… is invalid`); a URL
 *   that is not http(s), not a URL, or on the local network while the instance does not allow it is 422
 *   `{"message":"Invalid url given"}`; push_events defaults to true, other events to false, SSL verification to true;
 *   201 with the ProjectHook entity, which never includes the token.
 * - GET (list, paginated; one): the entity; an unknown hook is 404 `{"message":"404 Not found"}`.
 * - DELETE: 204; an unknown hook is 404 `{"message":"404 Not found"}`.
 */
export class GitLabProjectHooks {
  readonly all: FakeHook[] = [];
  private nextId = 3001;

  constructor(private readonly options: HookOptions) {}

  ofProject(project: FakeProject): FakeHook[] {
    return this.all.filter((hook) => hook.projectId === project.id);
  }

  create(request: FakeRequest, project: FakeProject): FakeResponse {
    const params = requestParams(request);
    const url = params.url;
    if (url === undefined) return json(400, { error: 'url is missing' });
    const flags: Record<string, boolean> = {};
    for (const name of EVENT_PARAMS) {
      const value = params[name];
      if (value === undefined) continue;
      const flag = booleanParam(value);
      if (flag === null) return json(400, { error: `${name} is invalid` });
      flags[name] = flag;
    }
    if (!this.acceptableUrl(String(url))) return json(422, { message: 'Invalid url given' });
    const { push_events = true, tag_push_events = false, merge_requests_events = false, enable_ssl_verification = true, ...otherEvents } = flags;
    const hook: FakeHook = {
      id: this.nextId++,
      projectId: project.id,
      url: String(url),
      token: params.token === undefined || params.token === null || params.token === '' ? null : String(params.token),
      pushEvents: push_events,
      tagPushEvents: tag_push_events,
      mergeRequestsEvents: merge_requests_events,
      enableSslVerification: enable_ssl_verification,
      otherEvents,
      createdAt: this.options.now(),
    };
    this.all.push(hook);
    return json(201, render(hook));
  }

  list(request: FakeRequest, project: FakeProject, linkBase: string): FakeResponse {
    const page = paginate(this.ofProject(project), request.url, linkBase);
    return json(200, page.items.map(render), page.headers);
  }

  show(project: FakeProject, hookId: string): FakeResponse {
    const hook = this.find(project, hookId);
    return hook ? json(200, render(hook)) : json(404, { message: '404 Not found' });
  }

  delete(project: FakeProject, hookId: string): FakeResponse {
    const hook = this.find(project, hookId);
    if (!hook) return json(404, { message: '404 Not found' });
    this.all.splice(this.all.indexOf(hook), 1);
    return { status: 204 };
  }

  private find(project: FakeProject, hookId: string): FakeHook | undefined {
    return this.ofProject(project).find((hook) => String(hook.id) === hookId);
  }

  /** WebHook's `public_url` validation: an http(s) URL, and not on the local network unless the instance allows it (no DNS here). */
  private acceptableUrl(text: string): boolean {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return false;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
    return this.options.allowLocalNetwork() || !isLocalHost(url.hostname);
  }
}

/** lib/api/entities/hook.rb + project_hook.rb (the fields GitLab 17 sends; the token is not one of them). */
function render(hook: FakeHook): Record<string, unknown> {
  const event = (name: string) => hook.otherEvents[name] ?? false;
  return {
    id: hook.id,
    url: hook.url,
    name: null,
    description: null,
    created_at: hook.createdAt.toISOString(),
    push_events: hook.pushEvents,
    tag_push_events: hook.tagPushEvents,
    merge_requests_events: hook.mergeRequestsEvents,
    repository_update_events: false,
    enable_ssl_verification: hook.enableSslVerification,
    alert_status: 'executable',
    disabled_until: null,
    url_variables: [],
    push_events_branch_filter: null,
    branch_filter_strategy: 'wildcard',
    custom_webhook_template: null,
    custom_headers: [],
    project_id: hook.projectId,
    issues_events: event('issues_events'),
    confidential_issues_events: event('confidential_issues_events'),
    note_events: event('note_events'),
    confidential_note_events: event('confidential_note_events'),
    pipeline_events: event('pipeline_events'),
    wiki_page_events: event('wiki_page_events'),
    deployment_events: event('deployment_events'),
    feature_flag_events: event('feature_flag_events'),
    job_events: event('job_events'),
    releases_events: event('releases_events'),
    milestone_events: false,
    emoji_events: event('emoji_events'),
    resource_access_token_events: event('resource_access_token_events'),
    vulnerability_events: event('vulnerability_events'),
  };
}

/** Loopback, private, link-local and unspecified addresses, and localhost names. */
function isLocalHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) {
    const [a, b] = host.split('.').map(Number) as [number, number];
    return a === 0 || a === 10 || a === 127 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
  }
  if (isIP(host) === 6) return host === '::1' || host === '::' || /^f[cd]/.test(host) || /^fe[89ab]/.test(host) || host.startsWith('::ffff:');
  return false;
}

/** Grape's Boolean coercion of a parameter (JSON booleans, or true/false/1/0 as text); null when it is none of those. */
function booleanParam(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|1)$/i.test(value)) return true;
  if (typeof value === 'string' && /^(false|0)$/i.test(value)) return false;
  return null;
}

/** Grape reads parameters from the query string and a JSON or form body alike. */
function requestParams(request: FakeRequest): Record<string, unknown> {
  const params: Record<string, unknown> = Object.fromEntries(request.url.searchParams);
  const type = String(request.headers['content-type'] ?? '');
  if (type.includes('application/json') && request.body) {
    try {
      Object.assign(params, JSON.parse(request.body) as Record<string, unknown>);
    } catch {
      // Rack answers a malformed body with its own 400 before Grape; no parameters is close enough here.
    }
  } else if (type.includes('application/x-www-form-urlencoded')) {
    for (const [key, value] of new URLSearchParams(request.body)) params[key] = value;
  }
  return params;
}
