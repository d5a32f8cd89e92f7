import { createPrivateKey } from 'node:crypto';
import { ForgeError, ForgeRateLimitedError, ForgeUnreachableError } from '../errors.js';
import { forgeErrorFromFailure, rateLimitFromHeaders } from '../http/failures.js';
import type { ForgeHttp } from '../http/forge-http.js';
import { gitHubApiBaseUrl } from './api-url.js';
import { API_VERSION_HEADERS } from './client.js';
import { forgeMessage } from './errors.js';

/**
 * The GitHub App manifest flow (docs.github.com "Registering a GitHub App from a manifest"): the browser
 * POSTs a `manifest` form field to `<github>/settings/apps/new?state=…` (or the organization's page),
 * GitHub creates the App and redirects to the manifest's `redirect_url` with `?code=…&state=…`, and the
 * code is exchanged (within an hour, once) at `POST /app-manifests/{code}/conversions` for the App's
 * id, slug, client id and secret, webhook secret and private key.
 */

/** What the App asks for: the reference document's list plus commit statuses. */
export const APP_PERMISSIONS = {
  contents: 'read',
  metadata: 'read',
  pull_requests: 'write',
  deployments: 'write',
  statuses: 'write',
} as const;

/**
 * The events the App subscribes to. `installation` and `installation_repositories` are not listed: GitHub
 * delivers them to every App's webhook whatever it subscribes to (they are not subscribable events).
 */
export const APP_EVENTS = ['push', 'pull_request'] as const;

/** GitHub's limit on an App's name. */
export const MAX_APP_NAME_LENGTH = 34;

/** A GitHub account or organization login. */
export const GITHUB_LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;

export interface AppManifest {
  name: string;
  url: string;
  hook_attributes: { url: string; active: boolean };
  redirect_url: string;
  setup_url: string;
  setup_on_update: boolean;
  public: boolean;
  default_permissions: Record<string, string>;
  default_events: string[];
}

/** The paths on this service that GitHub calls or sends browsers to. */
export const SETUP_PATH = '/api/github/setup';
export const WEBHOOK_PATH = '/api/github/webhook';

/** The manifest for an App of this service at `publicUrl`: its webhook, its redirect after creation, its setup URL after installation. */
export function buildAppManifest(name: string, publicUrl: string): AppManifest {
  const base = publicUrl.replace(/\/+$/, '');
  return {
    name,
    url: base,
    hook_attributes: { url: `${base}${WEBHOOK_PATH}`, active: true },
    redirect_url: `${base}${SETUP_PATH}`,
    setup_url: `${base}${SETUP_PATH}`,
    setup_on_update: true,
    public: false,
    default_permissions: { ...APP_PERMISSIONS },
    default_events: [...APP_EVENTS],
  };
}

/** The web base of a GitHub URL: github.com for any of its hosts, otherwise the URL itself (Enterprise Server or ghe.com). */
export function gitHubWebUrl(githubUrl: string): string {
  const url = new URL(githubUrl);
  const host = url.hostname.toLowerCase().replace(/\.$/, '');
  if (host === 'github.com' || host === 'www.github.com' || host === 'api.github.com') return 'https://github.com';
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** Where the manifest form is posted: the user's or the organization's "new GitHub App" page, with the state GitHub hands back. */
export function appCreationUrl(githubUrl: string, state: string, organization?: string | null): string {
  const web = gitHubWebUrl(githubUrl);
  const page = organization ? `/organizations/${encodeURIComponent(organization)}/settings/apps/new` : '/settings/apps/new';
  return `${web}${page}?state=${encodeURIComponent(state)}`;
}

/** What a conversion gives: the new App and its credentials. */
export interface ConvertedApp {
  appId: number;
  slug: string;
  name: string;
  clientId: string;
  clientSecret: string;
  webhookSecret: string | null;
  privateKey: string;
  /** The page installing the App: `<html_url>/installations/new`. */
  installUrl: string;
}

/** GitHub refused the code (unknown, already converted, or older than an hour). */
export class ManifestCodeRejectedError extends ForgeError {
  readonly code = 'FORGE_CODE_REJECTED';
  constructor(message: string) {
    super(message);
    this.name = 'ManifestCodeRejectedError';
  }
}

/** GitHub's answer could not be used (missing or malformed fields); nothing in it is quoted. */
export class ManifestConversionUnusableError extends ForgeError {
  readonly code = 'FORGE_UNUSABLE_ANSWER';
  constructor(message: string) {
    super(message);
    this.name = 'ManifestConversionUnusableError';
  }
}

/** A conversion body is a few KB (the PEM is the largest part); anything far larger is not GitHub's answer. */
const MAX_BODY_CHARS = 256 * 1024;

/**
 * Exchanges a manifest code for the App's credentials: one POST without authentication and without retries
 * (a code converts once), through ForgeHttp (address policy, deadline). Errors are typed; their messages
 * never contain the answer's body beyond GitHub's own `message` (redacted) on a refusal.
 */
export async function convertManifestCode(githubUrl: string, code: string, http: ForgeHttp): Promise<ConvertedApp> {
  const apiBase = gitHubApiBaseUrl(githubUrl);
  const fetchFn = http.fetchFn({ retry: false });
  let status: number;
  let headers: Headers;
  let text: string;
  try {
    const response = await fetchFn(`${apiBase}/app-manifests/${encodeURIComponent(code)}/conversions`, {
      method: 'POST',
      headers: { accept: 'application/vnd.github+json', 'user-agent': 'forgegraph', ...API_VERSION_HEADERS },
      redirect: 'error',
    });
    status = response.status;
    headers = response.headers;
    text = await response.text();
  } catch (error) {
    throw forgeErrorFromFailure(error, 'GitHub');
  }

  if (status === 404 || status === 422) {
    const said = forgeMessage(parseJson(text));
    throw new ManifestCodeRejectedError(
      `GitHub did not accept the code (HTTP ${status}${said ? `: "${said}"` : ''}): it is unknown, already used, or older than an hour`,
    );
  }
  if (status === 403 || status === 429) {
    const { resetAt, remaining } = rateLimitFromHeaders(headers);
    if (status === 429 || remaining === 0) throw new ForgeRateLimitedError('GitHub is rate limiting these calls', resetAt);
  }
  if (status !== 201 && status !== 200) throw new ForgeUnreachableError(`GitHub answered HTTP ${status} to the code conversion`);
  if (text.length > MAX_BODY_CHARS) throw new ManifestConversionUnusableError('GitHub’s answer to the code conversion is too large');
  return parseConversion(parseJson(text), githubUrl);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** The fields of the `integration` + credentials body this service keeps, each checked; a bad one is named, never quoted. */
function parseConversion(body: unknown, githubUrl: string): ConvertedApp {
  const data = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const unusable = (field: string) => new ManifestConversionUnusableError(`GitHub’s answer to the code conversion has no usable \`${field}\``);
  const text = (field: string, max = 255) => {
    const value = data[field];
    if (typeof value !== 'string' || !value.trim() || value.length > max) throw unusable(field);
    return value.trim();
  };

  const appId = data.id;
  if (typeof appId !== 'number' || !Number.isInteger(appId) || appId <= 0 || appId > 2 ** 31 - 1) throw unusable('id');
  const slug = text('slug');
  if (!/^[a-z0-9][a-z0-9-]*$/i.test(slug)) throw unusable('slug');
  const privateKey = text('pem', 16 * 1024);
  try {
    if (createPrivateKey(privateKey).asymmetricKeyType !== 'rsa') throw unusable('pem');
  } catch {
    throw unusable('pem');
  }
  const webhookSecret = data.webhook_secret === null || data.webhook_secret === undefined ? null : text('webhook_secret', 16 * 1024);

  return {
    appId,
    slug,
    name: typeof data.name === 'string' && data.name.trim() ? data.name.trim().slice(0, 100) : slug,
    clientId: text('client_id'),
    clientSecret: text('client_secret', 16 * 1024),
    webhookSecret,
    privateKey,
    installUrl: `${appPageUrl(data.html_url, slug, githubUrl)}/installations/new`,
  };
}

/**
 * The App's page: `html_url` when it is an http(s) URL on the GitHub host the flow started on (it is about
 * to be handed to a browser), otherwise `<github>/apps/<slug>`.
 */
function appPageUrl(htmlUrl: unknown, slug: string, githubUrl: string): string {
  const web = gitHubWebUrl(githubUrl);
  if (typeof htmlUrl === 'string') {
    try {
      const url = new URL(htmlUrl);
      if ((url.protocol === 'https:' || url.protocol === 'http:') && url.origin === new URL(web).origin && !url.username && !url.password) {
        return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
      }
    } catch {
      // fall through to the constructed page
    }
  }
  return `${web}/apps/${encodeURIComponent(slug)}`;
}

/** The installation page of an App, with the state GitHub passes on to the setup URL. */
export function installationUrl(installUrl: string, state: string): string {
  return `${installUrl}?state=${encodeURIComponent(state)}`;
}
