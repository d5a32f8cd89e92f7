import type { FakeRequest } from '../fake-server.js';
import type { Json } from './contract.js';

/** A repository webhook as Gitea stores it (models/webhook Webhook). */
export interface FakeGiteaHook {
  /** Webhook ids are global to the instance. */
  id: number;
  /** `owner/name` as the repository is named. */
  repository: string;
  type: string;
  url: string;
  contentType: 'json' | 'form';
  /** Never in an API answer. */
  secret: string;
  /** The `events` as sent. */
  requestedEvents: string[];
  /** What the hook is subscribed to after Gitea read `events` (see subscribedEvents). */
  events: string[];
  active: boolean;
  branchFilter: string;
  createdAt: Date;
}

/** CreateHookOption.type's enum in the Gitea 1.22 swagger (webhook_service.IsValidHookTaskType). */
const HOOK_TYPES = ['dingtalk', 'discord', 'gitea', 'gogs', 'msteams', 'slack', 'telegram', 'feishu', 'wechatwork', 'packagist'];

interface CreateHookOption {
  type: string;
  config: Record<string, string>;
  events: string[];
  active: boolean;
  branchFilter: string;
}

/**
 * POST /repos/{owner}/{repo}/hooks's body: bind(api.CreateHookOption{}) (JSON; `type` and `config` are
 * binding:"Required", reported as `[Type]: Required`), then utils.checkCreateHookOption (routers/api/v1/utils/hook.go):
 * a known type, `url` and `content_type` in config, content_type json or form, and (in later Gitea,
 * validation.IsValidURL) an absolute http(s) URL. Every refusal is a 422 with that message.
 */
export function readCreateHookOption(request: FakeRequest): CreateHookOption | { error: string } {
  if (!String(request.headers['content-type'] ?? '').includes('json')) return { error: '[]: Unsupported Content-Type' };
  let body: unknown;
  try {
    body = JSON.parse(request.body || 'null');
  } catch {
    return { error: '[]: invalid character in JSON body' };
  }
  const input = (typeof body === 'object' && body !== null && !Array.isArray(body) ? body : {}) as Record<string, unknown>;
  if (typeof input.type !== 'string' || input.type === '') return { error: '[Type]: Required' };
  const config = input.config;
  if (typeof config !== 'object' || config === null || Array.isArray(config) || Object.keys(config).length === 0) return { error: '[Config]: Required' };
  if (Object.values(config).some((v) => typeof v !== 'string')) return { error: '[]: json: cannot unmarshal into Go struct field CreateHookOption.config of type string' };
  const events = input.events ?? [];
  if (!Array.isArray(events) || events.some((e) => typeof e !== 'string')) return { error: '[]: json: cannot unmarshal into Go struct field CreateHookOption.events of type []string' };
  const settings = config as Record<string, string>;
  if (!HOOK_TYPES.includes(input.type)) return { error: `Invalid hook type: ${input.type}` };
  for (const name of ['url', 'content_type']) if (!(name in settings)) return { error: `Missing config option: ${name}` };
  if (settings.content_type !== 'json' && settings.content_type !== 'form') return { error: 'Invalid content type' };
  if (!isValidUrl(settings.url!)) return { error: 'Invalid url' };
  return {
    type: input.type,
    config: settings,
    events: events.length > 0 ? (events as string[]) : ['push'],
    active: input.active === true,
    branchFilter: typeof input.branch_filter === 'string' ? input.branch_filter : '',
  };
}

function isValidUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/** HookEvents in the order Webhook.EventsArray reports them. */
const EVENT_ORDER = [
  'create',
  'delete',
  'fork',
  'issues',
  'issue_assign',
  'issue_label',
  'issue_milestone',
  'issue_comment',
  'push',
  'pull_request',
  'pull_request_assign',
  'pull_request_label',
  'pull_request_milestone',
  'pull_request_comment',
  'pull_request_review_approved',
  'pull_request_review_rejected',
  'pull_request_review_comment',
  'pull_request_sync',
  'pull_request_review_request',
  'wiki',
  'repository',
  'release',
  'package',
];

/**
 * The events a hook is subscribed to once addHook read `events` (case-insensitively; unknown names are ignored):
 * `issues_only`/`pull_request_only` turn on the issues/pull_request event, and `issues`/`pull_request` turn on
 * their whole family (issuesHook, pullHook).
 */
export function subscribedEvents(requested: readonly string[]): string[] {
  const asked = new Set(requested.map((e) => e.toLowerCase()));
  return EVENT_ORDER.filter((event) => {
    if (event === 'issues') return asked.has('issues') || asked.has('issues_only');
    if (event === 'pull_request') return asked.has('pull_request') || asked.has('pull_request_only');
    if (event.startsWith('issue_')) return asked.has(event) || asked.has('issues');
    if (event.startsWith('pull_request_')) return asked.has(event) || asked.has('pull_request');
    return asked.has(event);
  });
}

/** The webhooks of a FakeGitea. */
export class GiteaHooks {
  readonly all: FakeGiteaHook[] = [];
  private nextId = 1;

  create(repository: string, option: CreateHookOption): FakeGiteaHook {
    const hook: FakeGiteaHook = {
      id: this.nextId++,
      repository,
      type: option.type,
      url: option.config.url!,
      contentType: option.config.content_type as 'json' | 'form',
      secret: option.config.secret ?? '',
      requestedEvents: option.events,
      events: subscribedEvents(option.events),
      active: option.active,
      branchFilter: option.branchFilter,
      createdAt: new Date(),
    };
    this.all.push(hook);
    return hook;
  }

  of(repository: string): FakeGiteaHook[] {
    return this.all.filter((h) => h.repository.toLowerCase() === repository.toLowerCase());
  }

  find(repository: string, id: number): FakeGiteaHook | undefined {
    return this.of(repository).find((h) => h.id === id);
  }

  remove(repository: string, id: number): boolean {
    const index = this.all.findIndex((h) => h.repository.toLowerCase() === repository.toLowerCase() && h.id === id);
    if (index < 0) return false;
    this.all.splice(index, 1);
    return true;
  }

  clear(): void {
    this.all.length = 0;
  }
}

/** webhook_service.ToHook for a "gitea" hook: the secret is never shown. */
export function hookBody(hook: FakeGiteaHook): Json {
  const at = hook.createdAt.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    id: hook.id,
    type: hook.type,
    branch_filter: hook.branchFilter,
    config: { url: hook.url, content_type: hook.contentType, http_method: 'post' },
    events: hook.events,
    authorization_header: '',
    active: hook.active,
    updated_at: at,
    created_at: at,
  };
}
