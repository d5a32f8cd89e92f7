import type { HttpResponse } from 'gitea-js';
import { ForgeAuthFailedError, ForgeError, ForgeMisconfiguredError, ForgeRateLimitedError, ForgeUnreachableError } from '../errors.js';
import { forgeErrorFromFailure, rateLimitFromHeaders } from '../http/failures.js';

const FORGE = 'Gitea';

/** What gitea-js throws for a non-2xx answer: the fetch Response itself, with the parsed body in `error`. */
interface FailedResponse {
  status: number;
  headers: Headers;
  error: unknown;
}

export function isFailedResponse(value: unknown): value is FailedResponse {
  return typeof value === 'object' && value !== null && typeof (value as FailedResponse).status === 'number' && 'error' in value && (value as FailedResponse).headers instanceof Object;
}

/**
 * The typed error for anything a gitea-js call threw. Messages are written here from the status and, for a
 * missing scope, the scope names only; the thrown object (it holds the request URL and headers) is dropped.
 * `notFound` names what a 404 means for this call.
 */
export function giteaError(thrown: unknown, notFound: () => ForgeError): ForgeError {
  if (thrown instanceof ForgeError) return thrown;
  if (!isFailedResponse(thrown)) return forgeErrorFromFailure(thrown, FORGE);
  const { status, headers } = thrown;
  if (status === 401) {
    return new ForgeAuthFailedError('Gitea rejected the access token (HTTP 401): it is unknown, expired or revoked');
  }
  if (status === 403) {
    const scopes = missingScopes(thrown.error);
    return new ForgeAuthFailedError(
      scopes ? `The Gitea access token lacks the scope ${scopes} (HTTP 403)` : 'Gitea refused the access token for this request (HTTP 403)',
    );
  }
  if (status === 404) return notFound();
  if (status === 429) {
    const { resetAt } = rateLimitFromHeaders(headers);
    return new ForgeRateLimitedError(`Gitea is rate limiting these credentials${resetAt ? ` until ${resetAt.toISOString()}` : ''}`, resetAt);
  }
  if (status >= 500) return new ForgeUnreachableError(`Gitea answered HTTP ${status}`);
  return new ForgeMisconfiguredError(`Gitea refused the request (HTTP ${status}); check the provider's Gitea URL`);
}

/** A 2xx answer whose body could not be read or is not the API's JSON. */
export function unreadableBody(error: unknown, field: string): ForgeError {
  if (error === null || error instanceof SyntaxError) {
    return new ForgeMisconfiguredError(`The provider's ${field} did not answer like a Gitea API (no JSON at /api/v1)`, field);
  }
  return forgeErrorFromFailure(error, FORGE);
}

/** A status Gitea answered that is an answer to the question asked (204 "is a collaborator", 404 "is not"). */
export interface StatusAnswer {
  answeredStatus: number;
}

export function isStatusAnswer(data: unknown): data is StatusAnswer {
  return typeof data === 'object' && data !== null && typeof (data as StatusAnswer).answeredStatus === 'number';
}

/**
 * A gitea-js call whose answer is its status: a 204 (no body, which gitea-js cannot parse as JSON) and the
 * failure statuses in `statuses` resolve with `{ answeredStatus }` as the data. A 403 for a missing token scope
 * stays an error, as does every other status (a 401 keeps its token refresh).
 */
export async function withStatusAnswers<T>(request: Promise<HttpResponse<T, unknown>>, statuses: readonly number[] = []): Promise<HttpResponse<T | StatusAnswer, unknown>> {
  const answer = (response: HttpResponse<unknown, unknown>) =>
    Object.assign(response, { data: { answeredStatus: response.status }, error: null }) as HttpResponse<StatusAnswer, unknown>;
  let response: HttpResponse<T, unknown>;
  try {
    response = await request;
  } catch (thrown) {
    if (!isFailedResponse(thrown) || !statuses.includes(thrown.status) || (thrown.status === 403 && isScopeRefusal(thrown.error))) throw thrown;
    return answer(thrown as unknown as HttpResponse<unknown, unknown>);
  }
  return response.status === 204 ? answer(response) : response;
}

/** A 403 body saying the token lacks a scope (as opposed to the user lacking a permission). */
export function isScopeRefusal(body: unknown): boolean {
  return missingScopes(body) !== null;
}

/** `token does not have at least one of required scope(s): [read:repository]` → `read:repository`; only scope-shaped words pass. */
function missingScopes(body: unknown): string | null {
  const message = typeof body === 'object' && body !== null ? (body as { message?: unknown }).message : undefined;
  if (typeof message !== 'string') return null;
  const listed = message.match(/required scope\(s\):\s*\[([^\]]*)\]/)?.[1];
  const scopes = listed?.split(/[\s,]+/).filter((s) => /^(read|write):[a-z_]+$/.test(s));
  return scopes && scopes.length > 0 ? scopes.join(' or ') : null;
}
