import { ForgeError, ForgeRateLimitedError, ForgeUnreachableError } from '../errors.js';
import type { RateLimitInfo } from '../types.js';

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT']);

/**
 * The typed error for a call that produced no usable response: refused by the address policy, timed out,
 * unreachable, or still failing (429/5xx) when the retry budget ran out. Only error codes and statuses
 * are used, never the client's message or request (they can carry URLs and headers).
 */
export function forgeErrorFromFailure(error: unknown, forge: string): ForgeError {
  for (let cause: unknown = error; cause; cause = (cause as { cause?: unknown }).cause) {
    if (cause instanceof ForgeError) return cause;
    const { name, code, statusCode, headers } = cause as { name?: string; code?: string; statusCode?: number; headers?: Record<string, string | string[] | undefined> };
    if (name === 'TimeoutError' || (code && TIMEOUT_CODES.has(code))) {
      return new ForgeUnreachableError(`${forge} did not answer in time`, true);
    }
    if (code === 'UND_ERR_REQ_RETRY' && statusCode) {
      if (statusCode === 429) {
        const { resetAt } = rateLimitFromHeaders(headers ?? {});
        return new ForgeRateLimitedError(`${forge} is rate limiting these credentials${resetAt ? ` until ${resetAt.toISOString()}` : ''}`, resetAt);
      }
      return new ForgeUnreachableError(`${forge} kept answering HTTP ${statusCode}; gave up after retrying`);
    }
    if (code && /^E[A-Z]+$/.test(code)) return new ForgeUnreachableError(`${forge} could not be reached (${code})`);
  }
  return new ForgeUnreachableError(`${forge} could not be reached`);
}

/** Rate-limit state from the headers GitHub (`x-ratelimit-*`), GitLab (`ratelimit-*`) and others send. */
export function rateLimitFromHeaders(headers: Headers | Record<string, string | string[] | undefined>): RateLimitInfo {
  const get = (name: string): string | undefined => {
    const value = headers instanceof Headers ? headers.get(name) : headers[name];
    return (Array.isArray(value) ? value[0] : value) ?? undefined;
  };
  const number = (name: string) => {
    const value = get(name);
    return value === undefined || value === '' || Number.isNaN(Number(value)) ? null : Number(value);
  };
  const limit = number('x-ratelimit-limit') ?? number('ratelimit-limit');
  const remaining = number('x-ratelimit-remaining') ?? number('ratelimit-remaining');
  const resetEpoch = number('x-ratelimit-reset') ?? number('ratelimit-reset');
  const retryAfter = get('retry-after');
  let resetAt = resetEpoch !== null ? new Date(resetEpoch * 1000) : null;
  if (retryAfter) {
    const seconds = Number(retryAfter);
    const at = Number.isNaN(seconds) ? new Date(retryAfter) : new Date(Date.now() + seconds * 1000);
    if (!Number.isNaN(at.getTime()) && (!resetAt || at > resetAt)) resetAt = at;
  }
  return { limit, remaining, resetAt };
}
