/**
 * A GitHub App manifest as the fake accepts it (docs.github.com, "Registering a GitHub App from a manifest":
 * the manifest parameters). Only the shape is checked; `name` and `url` are required, as on GitHub.
 */
export interface ManifestRecord {
  name: string;
  url: string;
  hook_attributes?: { url: string; active?: boolean };
  redirect_url?: string;
  callback_urls?: string[];
  setup_url?: string;
  description?: string;
  public?: boolean;
  default_events: string[];
  default_permissions: Record<string, string>;
  request_oauth_on_install?: boolean;
  setup_on_update?: boolean;
}

const LEVELS = new Set(['read', 'write', 'admin']);

export function parseManifest(input: string | object): ManifestRecord {
  const value = (typeof input === 'string' ? JSON.parse(input) : input) as Record<string, unknown>;
  const fail = (message: string): never => {
    throw new Error(`invalid manifest: ${message}`);
  };
  const url = (field: string, v: unknown) => {
    if (typeof v !== 'string') return fail(`${field} must be a URL`);
    try {
      const parsed = new URL(v);
      if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') fail(`${field} must be an http(s) URL`);
    } catch {
      fail(`${field} must be a URL`);
    }
    return v;
  };
  if (typeof value.name !== 'string' || !value.name.trim() || value.name.length > 34) fail('name is required (at most 34 characters)');
  url('url', value.url);
  const hook = value.hook_attributes as { url?: unknown; active?: unknown } | undefined;
  if (hook !== undefined) {
    url('hook_attributes.url', hook.url);
    if (hook.active !== undefined && typeof hook.active !== 'boolean') fail('hook_attributes.active must be a boolean');
  }
  for (const field of ['redirect_url', 'setup_url'] as const) if (value[field] !== undefined) url(field, value[field]);
  const permissions = (value.default_permissions ?? {}) as Record<string, unknown>;
  for (const [name, level] of Object.entries(permissions)) if (typeof level !== 'string' || !LEVELS.has(level)) fail(`default_permissions.${name} must be read, write or admin`);
  const events = value.default_events ?? [];
  if (!Array.isArray(events) || events.some((e) => typeof e !== 'string')) fail('default_events must be a list of event names');
  for (const field of ['public', 'setup_on_update', 'request_oauth_on_install'] as const) {
    if (value[field] !== undefined && typeof value[field] !== 'boolean') fail(`${field} must be a boolean`);
  }
  return { ...(value as object), default_events: events as string[], default_permissions: permissions as Record<string, string> } as ManifestRecord;
}
