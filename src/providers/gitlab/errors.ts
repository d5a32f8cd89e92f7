import {
  ForgeAuthFailedError,
  ForgeError,
  ForgeMisconfiguredError,
  ForgeNotFoundError,
  ForgeRateLimitedError,
  ForgeUnreachableError,
} from '../errors.js';
import { forgeErrorFromFailure, rateLimitFromHeaders } from '../http/failures.js';
import { GitLabResponseError } from './requester.js';

/** What was being asked for when GitLab said no, so a 404 can name the right thing. */
export type GitLabTarget =
  | { kind: 'user' }
  | { kind: 'tokenInfo' }
  | { kind: 'projects' }
  | { kind: 'group'; group: string }
  | { kind: 'project'; project: string }
  | { kind: 'commit'; project: string; ref: string }
  | { kind: 'commitStatus'; project: string; sha: string }
  | { kind: 'compare'; project: string; from: string; to: string }
  | { kind: 'members'; project: string }
  | { kind: 'hooks'; project: string; hookId?: string };

export interface ErrorContext {
  forgeName: string;
  /** Values that must never appear in a message (the access token). */
  secrets: string[];
}

/**
 * Any failure of a GitLab call as a typed ForgeError. Messages are written here from the status and, at
 * most, the forge's short `message` field (scrubbed of secrets); the result carries no cause, so no client
 * object (request, headers, URL) can travel with it.
 */
export function gitLabError(error: unknown, target: GitLabTarget, context: ErrorContext): ForgeError {
  if (error instanceof ForgeError) return error;
  if (!(error instanceof GitLabResponseError)) return forgeErrorFromFailure(error, context.forgeName);

  const { forgeName } = context;
  const { status, oauthError, oauthDescription } = error;
  const forgeMessage = scrub(error.forgeMessage, context.secrets);

  if (status === 401) {
    const description = (oauthDescription ?? '').toLowerCase();
    if (oauthError === 'invalid_token' && description.includes('expired')) {
      return new ForgeAuthFailedError(`${forgeName} rejected the access token: it has expired (GitLab OAuth access tokens last 2 hours); reconnect the provider to get a new one`);
    }
    if (oauthError === 'invalid_token' && description.includes('revoked')) {
      return new ForgeAuthFailedError(`${forgeName} rejected the access token: it was revoked; reconnect the provider`);
    }
    if (oauthError === 'invalid_token') {
      return new ForgeAuthFailedError(`${forgeName} does not recognise the access token`);
    }
    return new ForgeAuthFailedError(`${forgeName} rejected the credentials (401 Unauthorized)`);
  }
  if (status === 403) {
    if (oauthError === 'insufficient_scope') {
      // read_api is for GET requests only: posting a commit status or managing hooks takes the api scope.
      const needed = target.kind === 'commitStatus' || target.kind === 'hooks' ? 'api' : 'read_api or api';
      return new ForgeAuthFailedError(`${forgeName} refused the call: the access token lacks the scope it needs (${needed})`);
    }
    if (target.kind === 'hooks') {
      return new ForgeAuthFailedError(
        `${forgeName} refused to manage the webhooks of GitLab project "${target.project}": that takes the Maintainer (or Owner) role in the project, which the provider's user does not have`,
      );
    }
    if (target.kind === 'compare') {
      return new ForgeAuthFailedError(`${forgeName} refused to read the code of GitLab project "${target.project}": that takes at least the Reporter role in a private project`);
    }
    return new ForgeAuthFailedError(`${forgeName} refused access (403${forgeMessage ? `: ${forgeMessage}` : ' Forbidden'})`);
  }
  if (status === 404) {
    switch (target.kind) {
      case 'group':
        return new ForgeMisconfiguredError(
          `GitLab group "${target.group}" (groupName) does not exist on ${forgeName} or is not visible to these credentials`,
          'groupName',
        );
      case 'project':
        return projectNotFound(target.project, forgeName);
      // GitLab's 404 message says which was missing: "404 Project Not Found", "404 Commit Not Found" or
      // "404 References for commit Not Found".
      case 'commit':
        if (/project/i.test(forgeMessage ?? '')) return projectNotFound(target.project, forgeName);
        return new ForgeNotFoundError(`GitLab project "${target.project}" on ${forgeName} has no branch, tag or commit "${target.ref}"`);
      case 'commitStatus':
        if (/project/i.test(forgeMessage ?? '')) return projectNotFound(target.project, forgeName);
        if (/references/i.test(forgeMessage ?? '')) {
          return new ForgeNotFoundError(
            `No branch of GitLab project "${target.project}" on ${forgeName} contains commit ${target.sha}; GitLab attaches a commit status to a branch`,
          );
        }
        return new ForgeNotFoundError(`GitLab project "${target.project}" on ${forgeName} has no commit ${target.sha}`);
      // "404 Project Not Found" names the project; anything else is the ref, member or hook asked for.
      case 'compare':
        if (/project/i.test(forgeMessage ?? '')) return projectNotFound(target.project, forgeName);
        return new ForgeNotFoundError(`GitLab project "${target.project}" on ${forgeName} has no branch, tag or commit "${short(target.from)}" or "${short(target.to)}"`);
      case 'members':
        if (/project/i.test(forgeMessage ?? '')) return projectNotFound(target.project, forgeName);
        return new ForgeNotFoundError(`No such member of GitLab project "${target.project}" on ${forgeName}`);
      case 'hooks':
        if (/project/i.test(forgeMessage ?? '')) return projectNotFound(target.project, forgeName);
        return new ForgeNotFoundError(`GitLab project "${target.project}" on ${forgeName} has no webhook ${target.hookId ?? ''}`.trimEnd());
      default:
        return new ForgeNotFoundError(`${forgeName} has no such API endpoint (404); is the URL that of a GitLab instance?`);
    }
  }
  if (status === 429) {
    const { resetAt } = rateLimitFromHeaders(error.headers);
    return new ForgeRateLimitedError(`${forgeName} is rate limiting these credentials${resetAt ? ` until ${resetAt.toISOString()}` : ''}`, resetAt);
  }
  if (status === 422 && target.kind === 'hooks') {
    return new ForgeMisconfiguredError(
      `${forgeName} refused the webhook URL${forgeMessage ? ` (${forgeMessage})` : ''}: it takes an http(s) URL, and an instance refuses addresses on its own network unless an administrator allows requests to the local network from webhooks`,
    );
  }
  if (status >= 500) return new ForgeUnreachableError(`${forgeName} answered HTTP ${status}`);
  return new ForgeMisconfiguredError(`${forgeName} refused the request (HTTP ${status}${forgeMessage ? `: ${forgeMessage}` : ''})`);
}

function short(ref: string): string {
  return ref.length > 100 ? `${ref.slice(0, 100)}…` : ref;
}

function projectNotFound(project: string, forgeName: string): ForgeNotFoundError {
  return new ForgeNotFoundError(`GitLab project "${project}" does not exist on ${forgeName} or is not visible to these credentials`);
}

/** A forge message with any secret taken out, cut short (GitLab does not echo tokens, but checking costs nothing). */
function scrub(message: string | null, secrets: string[]): string | null {
  if (!message) return null;
  let text = message;
  for (const secret of secrets) if (secret) text = text.split(secret).join('[redacted]');
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
