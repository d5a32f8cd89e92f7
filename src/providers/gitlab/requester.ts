import { createRequesterFn, type RequestOptions, type ResourceOptions, type RequesterType } from '@gitbeaker/requester-utils';
import type { ForgeHttp } from '../http/forge-http.js';
import { forgeErrorFromFailure } from '../http/failures.js';

/**
 * A non-2xx answer from GitLab, reduced to what the adapter may use: the status, the forge's own error
 * fields and a few response headers. It never holds the request (its headers carry the token) and its
 * message is built here; the adapter turns it into a typed ForgeError before anything leaves the folder.
 */
export class GitLabResponseError extends Error {
  constructor(
    readonly status: number,
    /** `message` of a `{"message": …}` body (an object message, as validation errors send, is JSON text). */
    readonly forgeMessage: string | null,
    /** `error` / `error_description` of an OAuth (`invalid_token`, `insufficient_scope`) body. */
    readonly oauthError: string | null,
    readonly oauthDescription: string | null,
    readonly headers: Headers,
  ) {
    super(`GitLab answered HTTP ${status}`);
    this.name = 'GitLabResponseError';
  }
}

type Requester = (serviceOptions: ResourceOptions) => RequesterType;

/**
 * gitbeaker's requester, minus its own retry loop (429/502 ten times, ~0 ms apart, Retry-After ignored) and
 * its client-side rate limiter: each request is made once through ForgeHttp's retrying fetch, so timeouts,
 * the address policy and backoff honouring Retry-After come from there. Bodies are parsed as gitbeaker's
 * default handler does, so resources (pagination, showExpanded) behave as usual.
 */
export function createForgeRequesterFn(http: ForgeHttp, forgeName: string): Requester {
  const fetchFn = http.fetchFn({ retry: true });

  return createRequesterFn(
    (_serviceOptions, requestOptions) => Promise.resolve(requestOptions),
    async (endpoint, options) => {
      const { prefixUrl, searchParams, method, headers, body, signal, asStream } = (options ?? {}) as RequestOptions;
      const base = prefixUrl ? (prefixUrl.endsWith('/') ? prefixUrl : `${prefixUrl}/`) : undefined;
      const url = new URL(endpoint, base);
      url.search = searchParams ?? '';

      let response: Response;
      try {
        response = await fetchFn(url, { method, headers, body: body ?? null, signal: signal ?? null });
      } catch (error) {
        // Codes and statuses only: the fetch error's message and cause can name the URL and request.
        throw forgeErrorFromFailure(error, forgeName);
      }
      if (!response.ok) throw await responseError(response);

      const parsed = response.status === 204 ? null : asStream ? response.body : await processBody(response);
      return { body: parsed as never, headers: Object.fromEntries(response.headers.entries()), status: response.status };
    },
  ) as Requester;
}

/** What gitbeaker's default handler does: JSON only for exactly `application/json`, text for `text/*`. */
async function processBody(response: Response): Promise<unknown> {
  const contentType = (response.headers.get('content-type') ?? '').split(';')[0]!.trim();
  if (contentType === 'application/json') return ((await response.json()) as unknown) || {};
  if (contentType.startsWith('text/')) return (await response.text()) || '';
  return response.blob();
}

async function responseError(response: Response): Promise<GitLabResponseError> {
  let text = '';
  try {
    text = await response.text();
  } catch {
    // A body cut off mid-way still leaves the status.
  }
  let forgeMessage: string | null = null;
  let oauthError: string | null = null;
  let oauthDescription: string | null = null;
  if ((response.headers.get('content-type') ?? '').includes('application/json')) {
    try {
      const parsed = JSON.parse(text) as { message?: unknown; error?: unknown; error_description?: unknown } | null;
      if (parsed && typeof parsed === 'object') {
        if (typeof parsed.message === 'string') forgeMessage = parsed.message;
        else if (parsed.message && typeof parsed.message === 'object') forgeMessage = JSON.stringify(parsed.message);
        if (typeof parsed.error === 'string') oauthError = parsed.error;
        if (typeof parsed.error_description === 'string') oauthDescription = parsed.error_description;
      }
    } catch {
      // Not JSON after all: only the status is used.
    }
  }
  return new GitLabResponseError(response.status, forgeMessage, oauthError, oauthDescription, response.headers);
}
