import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { decodeGlobalID } from '@pothos/plugin-relay';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openPostgres, type Database } from '../../src/db/open-database.js';
import { createLogger } from '../../src/logger.js';
import type { ForgeHttp } from '../../src/providers/http/forge-http.js';
import { openProviderSecrets } from '../../src/resolvers/git-providers.js';
import { createForgegraphYoga, type ForgegraphYoga } from '../../src/yoga.js';
import type { FakeRequest } from '../fakes/fake-server.js';
import { FakeGitLab, OAUTH_TOKEN_LIFETIME_SECONDS } from '../fakes/gitlab/fake-gitlab.js';
import { testDatabaseKind } from '../support/database.js';
import { testForgeHttp } from '../support/forge-http.js';
import { PUBLIC_URL, startHarness, type Harness } from '../support/harness.js';
import { createMutation } from '../support/operations.js';

/**
 * GitLab rotates refresh tokens (the old pair dies on use), so a refresh made twice loses the provider. With an
 * expired access token, a burst of calls spread over service instances that share the database must make
 * exactly one refresh, and every call must succeed: on PostgreSQL, two instances (each its own PrismaClient and
 * pool) × 100 calls; on PGlite (one process owns it), one instance × 50 calls.
 */
const REDIRECT = `${PUBLIC_URL}/api/gitlab/callback`;
const REPOSITORIES = `query($id: ID!) { gitProvider(id: $id) { repositories(first: 5) { edges { node { fullName } } } } }`;

let h: Harness;
let key: string;
const gitlab = new FakeGitLab({ externalUrl: 'https://gitlab.example.com', rateLimit: null });
let app: { clientId: string; clientSecret: string; redirectUri: string };
const logs: string[] = [];
const responses: string[] = [];
const canaries = new Set<string>();
/** The second instance (PostgreSQL only): its own client and pool on the same database. */
let second: { database: Database; yoga: ForgegraphYoga; http: ForgeHttp } | undefined;

type Call = (query: string, variables: Record<string, unknown>) => Promise<{ text: string; data?: any; errors?: unknown[] }>;

function caller(yoga: ForgegraphYoga): Call {
  return async (query, variables) => {
    const response = await yoga.fetch(`${PUBLIC_URL}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: JSON.stringify({ query, variables }),
    });
    const text = await response.text();
    return { text, ...JSON.parse(text) };
  };
}

async function grant() {
  const verifier = randomBytes(32).toString('base64url');
  const query = new URLSearchParams({
    client_id: app.clientId,
    redirect_uri: app.redirectUri,
    response_type: 'code',
    scope: 'read_api read_user',
    state: randomUUID(),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  });
  const redirect = await fetch(`${gitlab.url}/oauth/authorize?${query}`, { redirect: 'manual' });
  const code = new URL(redirect.headers.get('location')!).searchParams.get('code')!;
  const response = await fetch(`${gitlab.url}/oauth/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'authorization_code', client_id: app.clientId, client_secret: app.clientSecret, code, redirect_uri: app.redirectUri, code_verifier: verifier }),
  });
  const body = (await response.json()) as { access_token: string; refresh_token: string };
  canaries.add(body.access_token).add(body.refresh_token);
  return { accessToken: body.access_token, refreshToken: body.refresh_token };
}

async function createProvider(name: string, tokens: { accessToken: string; refreshToken: string }, expiresAt: Date) {
  const res = await h.graphql(createMutation('GitLab'), {
    input: {
      name,
      gitlabUrl: 'https://gitlab.example.com',
      gitlabInternalUrl: gitlab.url,
      applicationId: app.clientId,
      secret: app.clientSecret,
      redirectUri: app.redirectUri,
      ...tokens,
      expiresAt: expiresAt.toISOString(),
    },
  }, key);
  expect(res.data.createGitLabProvider.__typename).toBe('CreateGitLabProviderSuccess');
  return res.data.createGitLabProvider.gitProvider.id as string;
}

const isRefresh = (r: FakeRequest) => r.method === 'POST' && r.url.pathname === '/oauth/token' && new URLSearchParams(r.body).get('grant_type') === 'refresh_token';

/**
 * A provider whose access token has expired on GitLab's clock; `databaseKnows` says whether the stored expiresAt
 * says so too (refresh before use) or still says it is valid (every call meets a 401 first).
 */
async function burst(label: string, instances: Call[], perInstance: number, databaseKnows: boolean) {
  const tokens = await grant();
  const id = await createProvider(label, tokens, databaseKnows ? new Date(Date.now() - 1000) : new Date(Date.now() + 3_600_000));
  const skew = OAUTH_TOKEN_LIFETIME_SECONDS * 1000 + 1000;
  gitlab.advanceClock(skew);
  try {
    gitlab.reset();
    const before = gitlab.oauth.refreshCount;
    const started = Date.now();
    const results = await Promise.all(
      instances.flatMap((call) => Array.from({ length: perInstance }, () => call(REPOSITORIES, { id }))),
    );
    const ms = Date.now() - started;
    const failures = results.filter((r) => r.errors !== undefined || r.data?.gitProvider?.repositories?.edges?.length !== 5);
    const refreshes = gitlab.oauth.refreshCount - before;
    const figures = {
      test: label,
      database: testDatabaseKind,
      calls: results.length,
      instances: instances.length,
      refreshesSeenByFake: refreshes,
      refreshRequestsSeenByFake: gitlab.requestCount(isRefresh),
      failures: failures.length,
      unauthorizedAnswers: gitlab.requests.filter((r) => r.url.pathname.startsWith('/api/v4/')).length - results.length,
      ms,
    };
    console.log(`token refresh concurrency: ${JSON.stringify(figures)}`);
    responses.push(...results.map((r) => r.text));
    expect(failures.map((f) => f.text).slice(0, 3)).toEqual([]);
    expect(refreshes).toBe(1);
    expect(figures.refreshRequestsSeenByFake).toBe(1);

    // What is stored is the pair GitLab issued last, and it works.
    const stored = await h.db.gitProvider.findUniqueOrThrow({ where: { id: decodeGlobalID(id).id }, include: { secrets: true } });
    const secret = openProviderSecrets(h.secrets, stored.id, stored.secrets);
    canaries.add(secret('accessToken')!).add(secret('refreshToken')!);
    expect(secret('accessToken')).not.toBe(tokens.accessToken);
    expect(gitlab.oauth.isRefreshTokenValid(secret('refreshToken')!)).toBe(true);
  } finally {
    gitlab.advanceClock(-skew);
  }
}

beforeAll(async () => {
  await gitlab.start();
  gitlab.seed({ repositories: 12, branchesPerRepo: 1 });
  app = gitlab.oauth.registerApplication({ redirectUri: REDIRECT });
  canaries.add(app.clientSecret);
  h = await startHarness();
  key = await h.apiKey('Acme', 'owner@acme.test');
  if (testDatabaseKind === 'postgres') {
    // A second service instance: its own PrismaClient and pool on the same database (as a second process would be).
    const database = await openPostgres(h.database.url!, { migrate: false });
    const http = testForgeHttp();
    const logger = createLogger('debug', new Writable({ write: (chunk, _e, done) => (logs.push(String(chunk)), done()) }));
    const yoga = createForgegraphYoga({ db: database.prisma, secrets: h.secrets, logger, forge: { http, bitbucketApiUrl: 'https://api.bitbucket.org/2.0' }, deployments: h.runtime, publicUrl: PUBLIC_URL });
    second = { database, yoga, http };
  }
});

afterAll(async () => {
  if (second) {
    await second.yoga.dispose();
    await second.http.close();
    await second.database.close();
  }
  await h.close();
  await gitlab.stop();
});

describe.runIf(testDatabaseKind === 'postgres')('two instances on one PostgreSQL', () => {
  test('200 concurrent calls (100 per instance) on an expired token: exactly one refresh, every call succeeds', { timeout: 60_000 }, async () => {
    await burst('expired, known to the database', [caller(h.yoga), caller(second!.yoga)], 100, true);
  });

  test('the same when the database still thinks the token is valid (every call meets a 401 first)', { timeout: 60_000 }, async () => {
    await burst('expired, 401 first', [caller(h.yoga), caller(second!.yoga)], 100, false);
  });
});

describe.runIf(testDatabaseKind === 'pglite')('one instance on PGlite', () => {
  test('50 concurrent calls on an expired token: exactly one refresh, every call succeeds', { timeout: 60_000 }, async () => {
    await burst('expired, known to the database', [caller(h.yoga)], 50, true);
  });

  test('the same when the database still thinks the token is valid (every call meets a 401 first)', { timeout: 60_000 }, async () => {
    await burst('expired, 401 first', [caller(h.yoga)], 50, false);
  });
});

test('canary: no token or client secret in any response or log line', () => {
  for (const canary of canaries) {
    for (const text of [...responses, ...logs, ...h.logs]) expect(text.includes(canary)).toBe(false);
  }
});
