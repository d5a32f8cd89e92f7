import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ForgegraphYoga } from '../../src/yoga.js';

/** The service on a real socket, for what only HTTP shows (server-sent events). */
export async function listen(yoga: ForgegraphYoga): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer(yoga);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

export interface SseSubscription<T> {
  /** Events received so far, in order. */
  events: T[];
  /** Resolves with every event once `until` holds for the latest one. */
  until(predicate: (event: T) => boolean, timeoutMs?: number): Promise<T[]>;
  close(): void;
}

/**
 * A GraphQL subscription over server-sent events, as GraphiQL and graphql-sse clients make it: a POST with
 * `accept: text/event-stream`, read as `event: next` / `data:` frames. Resolves once the response started, which
 * is after the server subscribed.
 */
export async function subscribe<T>(url: string, apiKey: string, query: string, variables: Record<string, unknown>, pick: (data: any) => T): Promise<SseSubscription<T>> {
  const abort = new AbortController();
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', 'x-api-key': apiKey },
    body: JSON.stringify({ query, variables }),
    signal: abort.signal,
  });
  if (!response.ok || !response.body) throw new Error(`subscription refused: ${response.status} ${await response.text()}`);
  const events: T[] = [];
  const waiters: (() => void)[] = [];
  let failure: Error | null = null;
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = frame.split('\n').filter((line) => line.startsWith('data:')).map((line) => line.slice(5).trim()).join('\n');
          if (!frame.includes('event: next') || !data) continue;
          const payload = JSON.parse(data);
          if (payload.errors) failure = new Error(JSON.stringify(payload.errors));
          else events.push(pick(payload.data));
          waiters.splice(0).forEach((wake) => wake());
        }
      }
    } catch {
      // aborted by close()
    }
  })();
  return {
    events,
    async until(predicate, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (!events.some(predicate)) {
        if (failure) throw failure;
        if (Date.now() > deadline) throw new Error(`no matching event in ${timeoutMs} ms; got ${JSON.stringify(events)}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 200);
        });
      }
      return events.slice(0, events.findIndex(predicate) + 1);
    },
    close: () => abort.abort(),
  };
}
