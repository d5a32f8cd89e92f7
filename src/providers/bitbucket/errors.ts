import {
  ForgeAuthFailedError,
  type ForgeError,
  ForgeMisconfiguredError,
  ForgeNotFoundError,
  ForgeRateLimitedError,
  ForgeUnreachableError,
} from '../errors.js';
import { forgeErrorFromFailure, rateLimitFromHeaders } from '../http/failures.js';
import { APP_PASSWORD_REMOVAL, type BitbucketCredentials } from './credentials.js';

export const FORGE = 'Bitbucket';

/** What a call was about, so a 404 can name it. */
export type Subject =
  | { kind: 'account' }
  | { kind: 'workspace'; name: string }
  | { kind: 'repository'; name: string }
  | { kind: 'repositories' }
  | { kind: 'commit'; repository: string; sha: string }
  | { kind: 'range'; repository: string; base: string; head: string }
  /** A repository's webhooks; `secret` is the hook's, kept out of every message. */
  | { kind: 'hooks'; repository: string; secret: string | null };

/** A call that produced no response (refused address, timeout, connection failure, retry budget spent). */
export function failureError(error: unknown): ForgeError {
  return forgeErrorFromFailure(error, FORGE);
}

/**
 * The typed error for a non-2xx answer. The message is written here from the status; at most the forge's
 * own `error.message` is quoted, cut short and with every credential value removed. Nothing of the client's
 * request (URL, headers) is kept.
 */
export function responseError(response: Response, body: unknown, subject: Subject, credentials: BitbucketCredentials | null): ForgeError {
  const status = response.status;
  const said = forgeMessage(body, credentials, subject.kind === 'hooks' && subject.secret ? [subject.secret] : []);
  const quoted = said ? `: ${said}` : '';
  const what = describe(subject);
  if (status === 401) {
    const hint =
      credentials?.kind === 'appPassword'
        ? `; app passwords were removed by Atlassian on ${APP_PASSWORD_REMOVAL}, use an API token with the Atlassian account email`
        : '; check the Atlassian account email and that the API token is neither expired nor revoked';
    return new ForgeAuthFailedError(`${FORGE} rejected the credentials (HTTP 401)${hint}`);
  }
  if (subject.kind === 'hooks' && status === 403) {
    return new ForgeAuthFailedError(
      `${FORGE} refused to manage the webhooks of repository "${subject.repository}" with these credentials (HTTP 403)${quoted}; that takes admin permission on the repository and, for an API token, the scopes read:webhook:bitbucket and write:webhook:bitbucket (delete:webhook:bitbucket to remove one)`,
    );
  }
  if (subject.kind === 'hooks' && status === 400) {
    return new ForgeMisconfiguredError(`${FORGE} refused the webhook for repository "${subject.repository}" (HTTP 400)${quoted}`);
  }
  if (status === 403) {
    if (subject.kind === 'repository' && !/scope|privilege/i.test(said ?? '')) {
      return new ForgeNotFoundError(`${FORGE} ${what} was not found or these credentials cannot see it (HTTP 403)`);
    }
    return new ForgeAuthFailedError(`${FORGE} refused access to ${what} with these credentials (HTTP 403)${quoted}`);
  }
  if (status === 404 || status === 410) {
    return new ForgeNotFoundError(`${FORGE} ${what} was not found or these credentials cannot see it (HTTP ${status})`);
  }
  if (status === 429) {
    const { resetAt } = rateLimitFromHeaders(response.headers);
    return new ForgeRateLimitedError(`${FORGE} is rate limiting these credentials${resetAt ? ` until ${resetAt.toISOString()}` : ''}`, resetAt);
  }
  if (status >= 500) return new ForgeUnreachableError(`${FORGE} answered HTTP ${status}`);
  return new ForgeUnreachableError(`${FORGE} refused the request for ${what} (HTTP ${status})${quoted}`);
}

function describe(subject: Subject): string {
  switch (subject.kind) {
    case 'account':
      return 'the account';
    case 'workspace':
      return `workspace "${subject.name}"`;
    case 'repository':
      return `repository "${subject.name}"`;
    case 'repositories':
      return 'the repositories of the account';
    case 'commit':
      return `commit ${subject.sha.slice(0, 12)} of repository "${subject.repository}"`;
    case 'range':
      return `comparison of commits ${subject.base.slice(0, 12)} and ${subject.head.slice(0, 12)} in repository "${subject.repository}"`;
    case 'hooks':
      return `repository "${subject.repository}"`;
  }
}

/** `{type:'error', error:{message}}`'s message, at most 200 characters, with credentials (and `others`) blanked. */
function forgeMessage(body: unknown, credentials: BitbucketCredentials | null, others: readonly string[] = []): string | null {
  const message = (body as { error?: { message?: unknown } } | null)?.error?.message;
  if (typeof message !== 'string' || !message.trim()) return null;
  let text = message.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  for (const secret of [...(credentials?.secrets ?? []), ...others]) if (secret) text = text.split(secret).join('[redacted]');
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
