import { createBitbucketCloudClient } from '@coderabbitai/bitbucket/cloud';
import { Request as UndiciRequest } from 'undici';
import { ForgeUnreachableError } from '../errors.js';
import type { ForgeHttp } from '../http/forge-http.js';
import type { BitbucketAdapterSettings } from '../settings.js';
import type { BitbucketCredentials } from './credentials.js';
import { FORGE, failureError, responseError, type Subject } from './errors.js';

export type BitbucketClient = ReturnType<typeof createBitbucketCloudClient>;

/** What every openapi-fetch call resolves to. */
interface Outcome<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/**
 * The typed client (openapi-fetch over Bitbucket's official spec) on the ForgeHttp retrying fetch: address
 * policy, per-attempt deadline, and 429/5xx retries honouring Retry-After within a bounded budget.
 */
export class BitbucketApi {
  readonly client: BitbucketClient;
  private readonly fetchFn: (input: Request) => Promise<Response>;
  private readonly origin: string;

  constructor(
    settings: BitbucketAdapterSettings,
    http: ForgeHttp,
    readonly credentials: BitbucketCredentials,
  ) {
    this.fetchFn = http.fetchFn({ retry: true });
    this.origin = new URL(settings.apiUrl).origin;
    this.client = createBitbucketCloudClient({
      baseUrl: settings.apiUrl,
      headers: { Accept: 'application/json', Authorization: credentials.authorization },
      fetch: this.fetchFn,
      // ForgeHttp's fetch is undici's (it takes a dispatcher); it only recognises its own Request class.
      Request: UndiciRequest as unknown as typeof Request,
    });
  }

  /** Runs one client call; a failed fetch or a non-2xx answer becomes a typed ForgeError (never the client's error). */
  async call<T>(subject: Subject, run: () => Promise<Outcome<T>>): Promise<{ data: T; response: Response }> {
    const { data, response } = await this.callAnswering(subject, run, []);
    return { data: data as T, response };
  }

  /**
   * `call`, where the statuses in `answers` are the answer rather than an error (204 with no body, or a 404
   * meaning "already gone"): they resolve with no data.
   */
  async callAnswering<T>(subject: Subject, run: () => Promise<Outcome<T>>, answers: readonly number[]): Promise<{ data: T | null; response: Response }> {
    let outcome: Outcome<T>;
    try {
      outcome = await run();
    } catch (error) {
      throw failureError(error);
    }
    const { data, error, response } = outcome;
    if (answers.includes(response.status)) return { data: null, response };
    if (!response.ok || data === undefined) throw responseError(response, error, subject, this.credentials);
    return { data, response };
  }

  /**
   * A per-call `fetch` that sends the request the client built to the forge's `next` URL, verbatim. The URL
   * must be on the configured API's origin: credentials are never sent anywhere a response points to.
   */
  following(next: string): (request: Request) => Promise<Response> {
    let url: URL;
    try {
      url = new URL(next);
    } catch {
      throw new ForgeUnreachableError(`${FORGE} sent a next-page link that is not a URL`);
    }
    if (url.origin !== this.origin) throw new ForgeUnreachableError(`${FORGE} sent a next-page link to another host (${url.host}); not followed`);
    return (request) => this.fetchFn(new UndiciRequest(next, { method: request.method, headers: request.headers }) as unknown as Request);
  }
}
