import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { decodeGlobalID } from '@pothos/plugin-relay';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { PrismaClient } from '../../src/generated/prisma/client.js';
import { createLogger } from '../../src/logger.js';
import { openProviderSecrets } from '../../src/resolvers/git-providers.js';
import { storeOAuthTokens } from '../../src/resolvers/provider-tokens.js';
import { createForgegraphYoga } from '../../src/yoga.js';
import type { FakeRequest } from '../fakes/fake-server.js';
import { FakeGitea } from '../fakes/gitea/fake-gitea.js';
import { ACCESS_TOKEN_LIFETIME_SECONDS } from '../fakes/gitea/oauth.js';
import { FakeGitLab, OAUTH_TOKEN_LIFETIME_SECONDS } from '../fakes/gitlab/fake-gitlab.js';
import { testForgeHttp } from '../support/forge-http.js';
import { PUBLIC_URL, startHarness, type Harness } from '../support/harness.js';
import { createMutation } from '../support/operations.js';

/**
 * GitLab and Gitea OAuth tokens kept fresh through the real service and database, against the fakes' token
 * endpoints: refresh before expiry, refresh once on 401, GitLab's rotation, Gitea's refresh, refusal leading to
 * REAUTHORIZATION_REQUIRED (and back to CONNECTED once new tokens are stored), a failed token store, and a
 * canary scan of every response and log line.
 */
const GITLAB_REDIRECT = `${PUBLIC_URL}/api/gitlab/callback`;
const GITEA_REDIRECT = `${PUBLIC_URL}/api/gitea/callback`;

let h: Harness;
let key: string;
const gitlab = new FakeGitLab({ externalUrl: 'https://gitlab.example.com' });
let gitea: FakeGitea;
let gitlabApp: { clientId: string; clientSecret: string; redirectUri: string };
let giteaApp: { clientId: string; clientSecret: string; redirectUri: string };
const responses: string[] = [];
/** Every token and client secret seen in this suite: none may appear in a response or a log line. */
const canaries = new Set<string>();

const REPOSITORIES = `query($id: ID!) { gitProvider(id: $id) {
  connectionState connectionStateReason
  repositories(first: 5) { edges { node { fullName } } }
} }`;
const STATE = `query($id: ID!) { gitProvider(id: $id) { connectionState connectionStateReason } }`;
const TEST = `mutation($id: ID!) { testGitProviderConnection(input: { id: $id }) {
  __typename
  ... on TestGitProviderConnectionSuccess { report { identity } }
  ... on Error { message code }
  ... on ForgeReauthorizationRequiredError { reason }
} }`;

async function gql(query: string, variables: Record<string, unknown>, run = h.graphql.bind(h)) {
  const res = await run(query, variables, key);
  responses.push(res.text);
  return res;
}

function remember(...values: (string | null | undefined)[]) {
  for (const value of values) if (value) canaries.add(value);
}

/** The authorization-code grant as a browser and the callback would do it, straight against the fake. */
async function authorize(base: string, paths: { authorize: string; token: string }, app: { clientId: string; clientSecret: string; redirectUri: string }, scope: string) {
  const verifier = randomBytes(32).toString('base64url');
  const query = new URLSearchParams({
    client_id: app.clientId,
    redirect_uri: app.redirectUri,
    response_type: 'code',
    scope,
    state: randomUUID(),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  });
  const redirect = await fetch(`${base}${paths.authorize}?${query}`, { redirect: 'manual' });
  const code = new URL(redirect.headers.get('location')!).searchParams.get('code')!;
  const response = await fetch(`${base}${paths.token}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', client_id: app.clientId, client_secret: app.clientSecret, code, redirect_uri: app.redirectUri, code_verifier: verifier }),
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { access_token: string; refresh_token: string };
  remember(body.access_token, body.refresh_token);
  return { accessToken: body.access_token, refreshToken: body.refresh_token };
}

const gitlabGrant = () => authorize(gitlab.url, { authorize: '/oauth/authorize', token: '/oauth/token' }, gitlabApp, 'read_api read_user read_repository');
const giteaGrant = () => authorize(gitea.url, { authorize: '/login/oauth/authorize', token: '/login/oauth/access_token' }, giteaApp, 'read:repository read:user');

async function createGitLab(name: string, tokens: { accessToken: string; refreshToken: string }, expiresAt: Date) {
  const res = await gql(createMutation('GitLab'), {
    input: {
      name,
      gitlabUrl: 'https://gitlab.example.com',
      gitlabInternalUrl: gitlab.url,
      applicationId: gitlabApp.clientId,
      secret: gitlabApp.clientSecret,
      redirectUri: gitlabApp.redirectUri,
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      expiresAt: expiresAt.toISOString(),
    },
  });
  expect(res.data.createGitLabProvider.__typename).toBe('CreateGitLabProviderSuccess');
  return res.data.createGitLabProvider.gitProvider.id as string;
}

async function createGitea(name: string, tokens: { accessToken: string; refreshToken: string }, expiresAt: Date) {
  const res = await gql(createMutation('Gitea'), {
    input: {
      name,
      giteaUrl: gitea.url,
      clientId: giteaApp.clientId,
      clientSecret: giteaApp.clientSecret,
      redirectUri: giteaApp.redirectUri,
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      expiresAt: expiresAt.toISOString(),
    },
  });
  expect(res.data.createGiteaProvider.__typename).toBe('CreateGiteaProviderSuccess');
  return res.data.createGiteaProvider.gitProvider.id as string;
}

const dbId = (globalId: string) => decodeGlobalID(globalId).id;

/** The tokens the service has stored for a provider, opened. */
async function stored(globalId: string) {
  const id = dbId(globalId);
  const provider = await h.db.gitProvider.findUniqueOrThrow({ where: { id }, include: { secrets: true, gitlab: true, gitea: true } });
  const secret = openProviderSecrets(h.secrets, id, provider.secrets);
  return { accessToken: secret('accessToken'), refreshToken: secret('refreshToken'), expiresAt: (provider.gitlab ?? provider.gitea)!.expiresAt };
}

const isRefresh = (r: FakeRequest) => r.method === 'POST' && /\/(oauth\/token|login\/oauth\/access_token)$/.test(r.url.pathname) && new URLSearchParams(r.body).get('grant_type') === 'refresh_token';
const bearer = (r: FakeRequest) => String(r.headers.authorization ?? '').replace(/^(bearer|token)\s+/i, '');
const inSeconds = (s: number) => new Date(Date.now() + s * 1000);

beforeAll(async () => {
  await gitlab.start();
  gitlab.seed({ repositories: 12, branchesPerRepo: 2 });
  gitlabApp = gitlab.oauth.registerApplication({ redirectUri: GITLAB_REDIRECT });
  gitea = await new FakeGitea({ seed: { repositories: 8 } }).start();
  giteaApp = gitea.oauth.registerApplication({ redirectUri: GITEA_REDIRECT });
  remember(gitlabApp.clientSecret, giteaApp.clientSecret);
  h = await startHarness();
  key = await h.apiKey('Acme', 'owner@acme.test');
});

afterAll(async () => {
  await h.close();
  await Promise.all([gitlab.stop(), gitea.stop()]);
});

describe('GitLab', () => {
  test('a token expiring within 60 s is refreshed once first, and the call uses the new one', async () => {
    const grant = await gitlabGrant();
    const id = await createGitLab('soon', grant, inSeconds(30));
    gitlab.reset();
    const before = gitlab.oauth.refreshCount;

    const res = await gql(REPOSITORIES, { id });
    expect(res.errors).toBeUndefined();
    expect(res.data.gitProvider.repositories.edges.length).toBe(5);
    expect(gitlab.oauth.refreshCount - before).toBe(1);

    const now = await stored(id);
    remember(now.accessToken, now.refreshToken);
    expect(now.accessToken).not.toBe(grant.accessToken);
    expect(now.expiresAt!.getTime()).toBeGreaterThan(Date.now() + (OAUTH_TOKEN_LIFETIME_SECONDS - 60) * 1000);
    // The refresh came first, and every API request carried the new token.
    expect(isRefresh(gitlab.requests[0]!)).toBe(true);
    const refresh = new URLSearchParams(gitlab.requests[0]!.body);
    expect(Object.fromEntries(refresh)).toEqual({
      grant_type: 'refresh_token',
      refresh_token: grant.refreshToken,
      client_id: gitlabApp.clientId,
      client_secret: gitlabApp.clientSecret,
      redirect_uri: GITLAB_REDIRECT,
    });
    const api = gitlab.requests.filter((r) => r.url.pathname.startsWith('/api/v4/'));
    expect(api.length).toBeGreaterThan(0);
    expect(api.every((r) => bearer(r) === now.accessToken)).toBe(true);

    // Fresh now: the next call does not refresh.
    expect((await gql(REPOSITORIES, { id })).errors).toBeUndefined();
    expect(gitlab.oauth.refreshCount - before).toBe(1);
  });

  test('rotation is honoured: the old refresh token (and access token) no longer work, and the stored ones do', async () => {
    const grant = await gitlabGrant();
    const id = await createGitLab('rotation', grant, inSeconds(10));
    expect((await gql(REPOSITORIES, { id })).errors).toBeUndefined();
    expect(gitlab.oauth.isRefreshTokenValid(grant.refreshToken)).toBe(false);
    const reuse = await fetch(`${gitlab.url}/oauth/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: grant.refreshToken, client_id: gitlabApp.clientId, client_secret: gitlabApp.clientSecret, redirect_uri: GITLAB_REDIRECT }),
    });
    expect(reuse.status).toBe(400);
    expect(((await reuse.json()) as { error: string }).error).toBe('invalid_grant');
    const old = await fetch(`${gitlab.url}/api/v4/user`, { headers: { authorization: `Bearer ${grant.accessToken}` } });
    expect(old.status).toBe(401);

    const now = await stored(id);
    remember(now.accessToken, now.refreshToken);
    expect(gitlab.oauth.isRefreshTokenValid(now.refreshToken!)).toBe(true);
  });

  test('a 401 for an expired token (the database still says it is valid): one refresh, one retry, success', async () => {
    const grant = await gitlabGrant();
    const id = await createGitLab('expired-early', grant, inSeconds(3600));
    gitlab.advanceClock(OAUTH_TOKEN_LIFETIME_SECONDS * 1000 + 1000);
    try {
      gitlab.reset();
      const before = gitlab.oauth.refreshCount;
      const res = await gql(REPOSITORIES, { id });
      expect(res.errors).toBeUndefined();
      expect(res.data.gitProvider.repositories.edges.length).toBe(5);
      expect(gitlab.oauth.refreshCount - before).toBe(1);
      const lines = gitlab.requests.map((r) => `${r.method} ${r.url.pathname} ${bearer(r) === grant.accessToken ? 'old' : 'new'}`);
      expect(lines).toEqual(['GET /api/v4/projects old', 'POST /oauth/token new', 'GET /api/v4/projects new']);
      remember(...Object.values(await stored(id)).filter((v): v is string => typeof v === 'string'));
    } finally {
      gitlab.advanceClock(-(OAUTH_TOKEN_LIFETIME_SECONDS * 1000 + 1000));
    }
  });

  test('a refused refresh (invalid_grant): REAUTHORIZATION_REQUIRED with the reason, typed errors, no more refreshes until new tokens are stored', async () => {
    const grant = await gitlabGrant();
    const id = await createGitLab('refused', grant, inSeconds(20));
    // The user revoked the application's grant on GitLab: the refresh token is dead.
    const revoke = await fetch(`${gitlab.url}/oauth/revoke`, {
      method: 'POST',
      body: new URLSearchParams({ token: grant.refreshToken, client_id: gitlabApp.clientId, client_secret: gitlabApp.clientSecret }),
    });
    expect(revoke.status).toBe(200);
    gitlab.reset();

    const listing = await gql(REPOSITORIES, { id });
    expect(listing.data.gitProvider.repositories).toBeNull();
    expect(listing.errors).toHaveLength(1);
    expect(listing.errors![0]!.extensions).toMatchObject({ code: 'FORGE_REAUTHORIZATION_REQUIRED', reason: expect.stringMatching(/^invalid_grant: The provided authorization grant is invalid/) });
    expect(listing.errors![0]!.message).toMatch(/reconnect/);
    expect(gitlab.requestCount(isRefresh)).toBe(1);

    const state = await gql(STATE, { id });
    expect(state.data.gitProvider.connectionState).toBe('REAUTHORIZATION_REQUIRED');
    expect(state.data.gitProvider.connectionStateReason).toMatch(/^invalid_grant: The provided authorization grant is invalid/);

    const check = await gql(TEST, { id });
    expect(check.data.testGitProviderConnection).toMatchObject({
      __typename: 'ForgeReauthorizationRequiredError',
      code: 'FORGE_REAUTHORIZATION_REQUIRED',
      reason: expect.stringMatching(/^invalid_grant/),
      message: expect.stringMatching(/reconnect/),
    });
    const again = await gql(REPOSITORIES, { id });
    expect(again.errors![0]!.extensions!.code).toBe('FORGE_REAUTHORIZATION_REQUIRED');
    // Nothing more reached GitLab: no refresh, no API call with the stale token.
    expect(gitlab.requests).toHaveLength(1);

    // The OAuth callback stores new tokens: CONNECTED again, and calls work.
    const fresh = await gitlabGrant();
    await storeOAuthTokens(h, dbId(id), { ...fresh, expiresAt: inSeconds(OAUTH_TOKEN_LIFETIME_SECONDS) });
    const back = await gql(REPOSITORIES, { id });
    expect(back.errors).toBeUndefined();
    expect(back.data.gitProvider).toMatchObject({ connectionState: 'CONNECTED', connectionStateReason: null });
    expect(back.data.gitProvider.repositories.edges.length).toBe(5);
  });

  test('storing the refreshed tokens fails: the caller gets an error, the failure is logged without tokens', async () => {
    const grant = await gitlabGrant();
    const id = await createGitLab('store-fails', grant, inSeconds(5));
    const logs: string[] = [];
    const logger = createLogger('debug', new Writable({ write: (chunk, _e, done) => (logs.push(String(chunk)), done()) }));
    // The same database, with every write of new tokens failing.
    const failing = h.database.prisma.$extends({
      query: {
        gitProvider: {
          async update({ args, query }) {
            if ((args.data as { secrets?: unknown }).secrets) throw new Error(`simulated write failure ${JSON.stringify(args.data)}`);
            return query(args);
          },
        },
      },
    }) as unknown as PrismaClient;
    const http = testForgeHttp();
    const yoga = createForgegraphYoga({ db: failing, secrets: h.secrets, logger, forge: { http, bitbucketApiUrl: 'https://api.bitbucket.org/2.0' }, deployments: h.runtime, publicUrl: PUBLIC_URL });
    try {
      const before = gitlab.oauth.refreshCount;
      const run = async (query: string, variables: Record<string, unknown>, apiKey?: string | null) => {
        const response = await yoga.fetch(`${PUBLIC_URL}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': apiKey ?? '' },
          body: JSON.stringify({ query, variables }),
        });
        const text = await response.text();
        return { status: response.status, text, ...JSON.parse(text) };
      };
      const res = await gql(REPOSITORIES, { id }, run);
      expect(gitlab.oauth.refreshCount - before).toBe(1);
      expect(res.data.gitProvider.repositories).toBeNull();
      expect(res.errors).toHaveLength(1);
      // An internal failure: masked for the caller, logged for the operator.
      expect(res.errors![0]!.message).toBe('Unexpected error.');
      const all = logs.join('');
      expect(all).toMatch(/Storing the refreshed tokens of Git provider/);
      expect(all).not.toMatch(/simulated write failure/);
      for (const line of logs) responses.push(line);
      // Nothing was stored: the old tokens are still there (GitLab has retired them; the next use is refused).
      const now = await stored(id);
      expect(now.accessToken).toBe(grant.accessToken);
      for (const token of gitlab.tokens.keys()) remember(token);
    } finally {
      await yoga.dispose();
      await http.close();
    }
  });
});

describe('Gitea', () => {
  test('a token expiring within 60 s is refreshed first; the new refresh token is stored (the old stays valid on Gitea)', async () => {
    const grant = await giteaGrant();
    const id = await createGitea('gitea-soon', grant, inSeconds(45));
    gitea.reset();
    const before = gitea.oauth.refreshCount;
    const res = await gql(REPOSITORIES, { id });
    expect(res.errors).toBeUndefined();
    expect(res.data.gitProvider.repositories.edges.length).toBe(5);
    expect(gitea.oauth.refreshCount - before).toBe(1);
    const now = await stored(id);
    remember(now.accessToken, now.refreshToken);
    expect(now.refreshToken).not.toBe(grant.refreshToken);
    expect(now.expiresAt!.getTime()).toBeGreaterThan(Date.now() + (ACCESS_TOKEN_LIFETIME_SECONDS - 60) * 1000);
    expect(Object.fromEntries(new URLSearchParams(gitea.requests[0]!.body))).toEqual({
      grant_type: 'refresh_token',
      refresh_token: grant.refreshToken,
      client_id: giteaApp.clientId,
      client_secret: giteaApp.clientSecret,
    });
    expect(gitea.requests.filter((r) => r.url.pathname.startsWith('/api/v1/')).every((r) => bearer(r) === now.accessToken)).toBe(true);
  });

  test('a 401 for an expired token: one refresh, one retry, success', async () => {
    const grant = await giteaGrant();
    const id = await createGitea('gitea-401', grant, inSeconds(3000));
    gitea.oauth.advanceClock(ACCESS_TOKEN_LIFETIME_SECONDS * 1000 + 1000);
    try {
      gitea.reset();
      const before = gitea.oauth.refreshCount;
      const check = await gql(TEST, { id });
      expect(check.data.testGitProviderConnection.__typename).toBe('TestGitProviderConnectionSuccess');
      expect(gitea.oauth.refreshCount - before).toBe(1);
      const lines = gitea.requests.map((r) => `${r.method} ${r.url.pathname} ${bearer(r) === grant.accessToken ? 'old' : 'new'}`);
      expect(lines.slice(0, 3)).toEqual(['GET /api/v1/user old', 'POST /login/oauth/access_token new', 'GET /api/v1/user new']);
      remember(...Object.values(await stored(id)).filter((v): v is string => typeof v === 'string'));
    } finally {
      gitea.oauth.advanceClock(-(ACCESS_TOKEN_LIFETIME_SECONDS * 1000 + 1000));
    }
  });

  test('a refused refresh moves the provider to REAUTHORIZATION_REQUIRED', async () => {
    const grant = await giteaGrant();
    const id = await createGitea('gitea-refused', grant, inSeconds(10));
    gitea.failNext(1, { status: 400, headers: { 'content-type': 'application/json' }, body: { error: 'invalid_grant', error_description: 'unable to parse refresh token' } });
    const listing = await gql(REPOSITORIES, { id });
    expect(listing.errors![0]!.extensions).toMatchObject({ code: 'FORGE_REAUTHORIZATION_REQUIRED', reason: 'invalid_grant: unable to parse refresh token' });
    const state = await gql(STATE, { id });
    expect(state.data.gitProvider).toEqual({ connectionState: 'REAUTHORIZATION_REQUIRED', connectionStateReason: 'invalid_grant: unable to parse refresh token' });
    const refreshes = gitea.requestCount(isRefresh);
    expect((await gql(TEST, { id })).data.testGitProviderConnection.__typename).toBe('ForgeReauthorizationRequiredError');
    expect(gitea.requestCount(isRefresh)).toBe(refreshes);
  });
});

test('canary: no token or client secret in any response or log line', () => {
  expect(canaries.size).toBeGreaterThan(10);
  const haystacks = [...responses, ...h.logs];
  for (const canary of canaries) {
    for (const text of haystacks) expect(text.includes(canary), `a secret leaked into: ${text.slice(0, 200)}`).toBe(false);
  }
});
