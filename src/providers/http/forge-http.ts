import dns from 'node:dns';
import net from 'node:net';
import { Agent, buildConnector, fetch as undiciFetch, RetryAgent, type Dispatcher } from 'undici';
import { ForgeAddressNotAllowedError } from '../errors.js';
import { AddressPolicy } from './address-policy.js';

export interface ForgeHttpOptions {
  policy: AddressPolicy;
  /** Limit for one attempt: connecting, then waiting for headers, then for each chunk of the body. */
  attemptTimeoutMs: number;
  /** Retries of 429, 5xx and connection failures (GitHub uses octokit's own plugins instead). */
  maxRetries: number;
  /** The longest single wait between retries; a longer Retry-After is cut to it. */
  maxRetryWaitMs: number;
}

export type FetchFn = typeof globalThis.fetch;

/**
 * The HTTP layer every forge client runs on: connections are checked against the address policy on the
 * resolved address (so DNS cannot smuggle in a private address), every call has a deadline, and the
 * retrying variant honours Retry-After within a bounded budget (undici's RetryAgent).
 */
export class ForgeHttp {
  readonly options: ForgeHttpOptions;
  private readonly direct: Agent;
  private readonly retrying: RetryAgent;

  constructor(options: ForgeHttpOptions) {
    this.options = options;
    this.direct = new Agent({
      connect: guardedConnector(options.policy, options.attemptTimeoutMs),
      headersTimeout: options.attemptTimeoutMs,
      bodyTimeout: options.attemptTimeoutMs,
    });
    this.retrying = new RetryAgent(this.direct, {
      maxRetries: options.maxRetries,
      minTimeout: 250,
      maxTimeout: options.maxRetryWaitMs,
      timeoutFactor: 2,
      retryAfter: true,
      statusCodes: [429, 500, 502, 503, 504],
    });
  }

  /** A fetch with the address policy and deadline; `retry` adds the retry policy. */
  fetchFn({ retry }: { retry: boolean }): FetchFn {
    const dispatcher: Dispatcher = retry ? this.retrying : this.direct;
    const budgetMs = this.callBudgetMs(retry);
    return ((input: RequestInfo | URL, init?: RequestInit) => {
      const deadline = AbortSignal.timeout(budgetMs);
      const signal = init?.signal ? AbortSignal.any([init.signal, deadline]) : deadline;
      return undiciFetch(input as never, { ...(init as object), signal, dispatcher } as never);
    }) as unknown as FetchFn;
  }

  /** The most one call may take: every attempt timing out, and every wait between them at its longest. */
  callBudgetMs(retry: boolean): number {
    const { attemptTimeoutMs, maxRetries, maxRetryWaitMs } = this.options;
    return retry ? attemptTimeoutMs * (maxRetries + 1) + maxRetryWaitMs * maxRetries : attemptTimeoutMs;
  }

  /** Closes the connection pool (the retrying agent is a wrapper around the same pool). */
  async close(): Promise<void> {
    await this.direct.close();
  }
}

function guardedConnector(policy: AddressPolicy, timeoutMs: number): buildConnector.connector {
  const lookup: net.LookupFunction = (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 4);
      const list = addresses as dns.LookupAddress[];
      const refused = list.find((entry) => !policy.allows(hostname, entry.address));
      if (refused) return callback(new ForgeAddressNotAllowedError(hostname, refused.address) as NodeJS.ErrnoException, '', 4);
      if ((options as dns.LookupOptions).all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
      return callback(null, list[0]!.address, list[0]!.family);
    });
  };
  const connect = buildConnector({ timeout: timeoutMs, lookup });
  return (options, callback) => {
    // An IP literal is never looked up, so it is checked here.
    const host = options.hostname.replace(/^\[|\]$/g, '');
    if (net.isIP(host) && !policy.allows(options.hostname, host)) {
      return callback(new ForgeAddressNotAllowedError(options.hostname, host), null);
    }
    return connect(options, callback);
  };
}

/** The service's HTTP layer for forge calls, from its settings. */
export function forgeHttpFromSettings(settings: {
  allowedPrivateHosts: string;
  attemptTimeoutMs: number;
  maxRetries: number;
  maxRetryWaitMs: number;
}): ForgeHttp {
  return new ForgeHttp({
    policy: new AddressPolicy(settings.allowedPrivateHosts),
    attemptTimeoutMs: settings.attemptTimeoutMs,
    maxRetries: settings.maxRetries,
    maxRetryWaitMs: settings.maxRetryWaitMs,
  });
}
