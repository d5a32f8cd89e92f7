import { serverAudits } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';

/** The GraphQL-over-HTTP spec audits, against the real handler with a valid key (without one, every request is a 401). */
let h: Harness;
let key: string;

beforeAll(async () => {
  h = await startHarness();
  key = await h.apiKey('Acme', 'owner@acme.test');
});
afterAll(() => h.close());

describe('graphql-http server audits', () => {
  for (const audit of serverAudits({
    url: 'http://forgegraph.test/graphql',
    fetchFn: (input: RequestInfo | URL, init?: RequestInit) => {
      const headers = new Headers(init?.headers);
      headers.set('x-api-key', key);
      return h.yoga.fetch(input as string, { ...init, headers });
    },
  })) {
    test(audit.name, async () => {
      const result = await audit.fn();
      if (result.status === 'error') throw new Error(`${audit.name}: ${result.reason}`);
      if (result.status === 'warn') throw new Error(`${audit.name}: ${result.reason}`);
      expect(result.status).toBe('ok');
    });
  }
});
