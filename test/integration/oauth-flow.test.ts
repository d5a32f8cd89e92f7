import { decodeGlobalID } from '@pothos/plugin-relay';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readProviderSecret } from '../../src/resolvers/git-providers.js';
import { FakeGitea } from '../fakes/gitea/fake-gitea.js';
import { FakeGitLab } from '../fakes/gitlab/fake-gitlab.js';
import type { GitLabOAuthApplication } from '../fakes/gitlab/oauth.js';
import type { GiteaOAuthApplication } from '../fakes/gitea/oauth.js';
import { PUBLIC_URL, startHarness, type Harness } from '../support/harness.js';
import { createMutation, GET, REMOVE } from '../support/operations.js';

/**
 * GitLab and Gitea OAuth through the real routes, against the fake forges: authorizeGitProvider → the forge's
 * authorize page (auto-approved by the fake) → its redirect to our callback → tokens stored, sealed, and used.
 */
const GITLAB_PUBLIC = 'https://gitlab.example.com';
const GITLAB_CALLBACK = `${PUBLIC_URL}/api/gitlab/callback`;
const GITEA_CALLBACK = `${PUBLIC_URL}/api/gitea/callback`;

const AUTHORIZE = `mutation($id: ID!) { authorizeGitProvider(input: { id: $id }) {
  __typename
  ... on AuthorizeGitProviderSuccess { authorizationUrl expiresAt }
  ... on Error { message code }
  ... on ValidationError { field }
} }`;
const TEST = `mutation($id: ID!) { testGitProviderConnection(input: { id: $id }) {
  __typename ... on TestGitProviderConnectionSuccess { report { ok identity } } ... on Error { message code } } }`;
const REMOVE_REVOKED = `mutation($id: ID!) { removeGitProvider(input: { id: $id }) {
  __typename ... on RemoveGitProviderSuccess { removedId revoked } ... on Error { message code } } }`;

let h: Harness;
let owner: string;
let member: string;
const gitlab = new FakeGitLab({ externalUrl: GITLAB_PUBLIC });
let gitea: FakeGitea;
let gitlabApp: GitLabOAuthApplication;
let giteaApp: GiteaOAuthApplication;
/** Everything our service sent back: GraphQL bodies, pages and their headers. Scanned for secrets at the end. */
const seen: string[] = [];
/** Our callback pages and their headers. */
const pages: string[] = [];
/** Codes the forge handed the browser, and states (which authorizeGitProvider returns by design): never echoed in a page or log. */
const handed: string[] = [];
const states: string[] = [];

async function gql(query: string, variables: Record<string, unknown>, apiKey = owner) {
  const res = await h.graphql(query, variables, apiKey);
  seen.push(res.text);
  return res;
}

async function create(forge: 'GitLab' | 'Gitea', input: Record<string, unknown>, apiKey = owner): Promise<string> {
  const res = await gql(createMutation(forge), { input }, apiKey);
  expect(res.data[`create${forge}Provider`].__typename).toBe(`Create${forge}ProviderSuccess`);
  return res.data[`create${forge}Provider`].gitProvider.id;
}

const gitlabProvider = (extra: Record<string, unknown> = {}, apiKey = owner) =>
  create('GitLab', { name: `GitLab ${Math.random()}`, gitlabUrl: GITLAB_PUBLIC, gitlabInternalUrl: gitlab.url, applicationId: gitlabApp.clientId, secret: gitlabApp.clientSecret, redirectUri: GITLAB_CALLBACK, ...extra }, apiKey);
const giteaProvider = (extra: Record<string, unknown> = {}) =>
  create('Gitea', { name: `Gitea ${Math.random()}`, giteaUrl: gitea.url, clientId: giteaApp.clientId, clientSecret: giteaApp.clientSecret, redirectUri: GITEA_CALLBACK, ...extra });

async function authorize(id: string, apiKey = owner): Promise<URL> {
  const res = await gql(AUTHORIZE, { id }, apiKey);
  expect(res.data.authorizeGitProvider.__typename).toBe('AuthorizeGitProviderSuccess');
  return new URL(res.data.authorizeGitProvider.authorizationUrl);
}

/** The browser at the forge: GitLab's public URL is not the fake, so its origin is rewritten to reach it. */
async function atForge(authorizationUrl: URL): Promise<URL> {
  const browserUrl = new URL(authorizationUrl);
  const fake = authorizationUrl.origin === GITLAB_PUBLIC ? gitlab : gitea;
  const target = new URL(fake.url);
  browserUrl.protocol = target.protocol;
  browserUrl.host = target.host;
  const res = await fetch(browserUrl, { redirect: 'manual' });
  expect(res.status).toBe(302);
  const location = new URL(res.headers.get('location')!);
  if (location.searchParams.get('code')) handed.push(location.searchParams.get('code')!);
  if (location.searchParams.get('state')) states.push(location.searchParams.get('state')!);
  return location;
}

/** The browser back at our callback (yoga.fetch takes the PUBLIC_URL host). */
async function callback(location: URL | string): Promise<{ status: number; text: string; headers: Headers }> {
  const res = await h.yoga.fetch(String(location));
  const text = await res.text();
  seen.push(text, JSON.stringify([...res.headers]));
  pages.push(text, JSON.stringify([...res.headers]));
  return { status: res.status, text, headers: res.headers };
}

const dbId = (globalId: string) => decodeGlobalID(globalId).id;

async function provider(id: string) {
  const res = await gql(GET, { id });
  return res.data.gitProvider;
}

async function nothingStored(id: string) {
  expect(await provider(id)).toMatchObject({ hasAccessToken: false, hasRefreshToken: false, expiresAt: null });
}

beforeAll(async () => {
  await gitlab.start();
  gitlab.seed({ repositories: 3, branchesPerRepo: 2 });
  gitlabApp = gitlab.oauth.registerApplication({ redirectUri: GITLAB_CALLBACK });
  gitea = await new FakeGitea({ seed: { repositories: 3 } }).start();
  giteaApp = gitea.oauth.registerApplication({ redirectUri: GITEA_CALLBACK });
  h = await startHarness();
  owner = await h.apiKey('Acme', 'owner@acme.test');
  member = await h.apiKey('Acme', 'member@acme.test', 'MEMBER');
});

afterAll(async () => {
  await h?.close();
  await Promise.all([gitlab.stop(), gitea?.stop()]);
});

describe('GitLab', () => {
  test('the full flow: authorize URL, the forge, the callback, tokens stored and used', async () => {
    const id = await gitlabProvider();
    const url = await authorize(id);
    // The browser's side: the public GitLab URL, GitLab's parameter names, PKCE S256 and a state.
    expect(url.origin + url.pathname).toBe(`${GITLAB_PUBLIC}/oauth/authorize`);
    const q = url.searchParams;
    expect(q.get('client_id')).toBe(gitlabApp.clientId);
    expect(q.get('redirect_uri')).toBe(GITLAB_CALLBACK);
    expect(q.get('response_type')).toBe('code');
    expect(q.get('scope')).toBe('api read_repository read_user');
    expect(q.has('scopes')).toBe(false);
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const location = await atForge(url);
    expect(location.origin + location.pathname).toBe(GITLAB_CALLBACK);
    gitlab.reset();
    const page = await callback(location);
    expect(page.status).toBe(200);
    expect(page.text).toContain('GitLab connected');
    // The code was exchanged at the internal URL (the fake), with the verifier.
    const exchange = gitlab.requests.find((r) => r.method === 'POST' && r.url.pathname === '/oauth/token')!;
    expect(exchange).toBeDefined();
    const form = new URLSearchParams(exchange.body);
    expect(form.get('grant_type')).toBe('authorization_code');
    expect(form.get('code_verifier')).toMatch(/^[A-Za-z0-9_-]{43,128}$/);
    expect(form.get('redirect_uri')).toBe(GITLAB_CALLBACK);
    expect(gitlab.oauth.codeExchangeCount).toBeGreaterThanOrEqual(1);

    const stored = await provider(id);
    expect(stored).toMatchObject({ hasAccessToken: true, hasRefreshToken: true });
    const expiresIn = new Date(stored.expiresAt).getTime() - Date.now();
    expect(expiresIn).toBeGreaterThan(7100_000);
    expect(expiresIn).toBeLessThanOrEqual(7200_000);
    const accessToken = (await readProviderSecret(h, dbId(id), 'accessToken'))!;
    expect(gitlab.tokens.get(accessToken)?.kind).toBe('oauth');
    const check = await gql(TEST, { id });
    expect(check.data.testGitProviderConnection).toMatchObject({ __typename: 'TestGitProviderConnectionSuccess', report: { ok: true, identity: 'john_smith' } });

    // The same redirect again: the state is used up.
    const again = await callback(location);
    expect(again.status).toBe(400);
    expect(again.text).toContain('already been used');
  });

  test('removeGitProvider revokes the access and refresh token at GitLab and says so', async () => {
    const id = await gitlabProvider();
    await callback(await atForge(await authorize(id)));
    const accessToken = (await readProviderSecret(h, dbId(id), 'accessToken'))!;
    const refreshToken = (await readProviderSecret(h, dbId(id), 'refreshToken'))!;
    gitlab.reset();
    const res = await gql(REMOVE_REVOKED, { id });
    expect(res.data.removeGitProvider).toEqual({ __typename: 'RemoveGitProviderSuccess', removedId: id, revoked: true });
    expect(gitlab.requestCount((r) => r.method === 'POST' && r.url.pathname === '/oauth/revoke')).toBe(2);
    const user = await fetch(`${gitlab.url}/api/v4/user`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(user.status).toBe(401);
    expect(gitlab.oauth.isRefreshTokenValid(refreshToken)).toBe(false);
    expect(await h.database.prisma.gitProvider.count({ where: { id: dbId(id) } })).toBe(0);
  });

  test('the provider is removed even when revocation fails; nothing to revoke reports null', async () => {
    const id = await gitlabProvider();
    await callback(await atForge(await authorize(id)));
    gitlab.failNext(2, { status: 503, body: 'down' });
    const res = await gql(REMOVE_REVOKED, { id });
    expect(res.data.removeGitProvider).toMatchObject({ __typename: 'RemoveGitProviderSuccess', revoked: false });
    expect(await provider(id)).toBeNull();
    const bare = await gitlabProvider();
    expect((await gql(REMOVE_REVOKED, { id: bare })).data.removeGitProvider).toMatchObject({ revoked: null });
  });
});

describe('Gitea', () => {
  test('the full flow with the provider’s scopes, and removal reports revoked: false (no revocation endpoint)', async () => {
    const id = await giteaProvider({ scopes: 'read:user,read:repository' });
    const url = await authorize(id);
    expect(url.origin + url.pathname).toBe(`${gitea.url}/login/oauth/authorize`);
    expect(url.searchParams.get('scope')).toBe('read:user read:repository');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('redirect_uri')).toBe(GITEA_CALLBACK);
    const page = await callback(await atForge(url));
    expect(page.status).toBe(200);
    expect(page.text).toContain('Gitea connected');
    const stored = await provider(id);
    expect(stored).toMatchObject({ hasAccessToken: true, hasRefreshToken: true });
    expect(new Date(stored.expiresAt).getTime() - Date.now()).toBeGreaterThan(3500_000);
    const check = await gql(TEST, { id });
    expect(check.data.testGitProviderConnection).toMatchObject({ __typename: 'TestGitProviderConnectionSuccess', report: { ok: true } });
    expect((await gql(REMOVE_REVOKED, { id })).data.removeGitProvider).toMatchObject({ __typename: 'RemoveGitProviderSuccess', revoked: false });
  });

  test('the fake’s refresh grant: a new refresh token each time, the old one still valid unless invalidated', async () => {
    const id = await giteaProvider();
    await callback(await atForge(await authorize(id)));
    const first = (await readProviderSecret(h, dbId(id), 'refreshToken'))!;
    const token = (body: Record<string, string>) =>
      fetch(`${gitea.url}/login/oauth/access_token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ client_id: giteaApp.clientId, client_secret: giteaApp.clientSecret, ...body }) });
    const before = gitea.oauth.refreshCount;
    const refreshed = await token({ grant_type: 'refresh_token', refresh_token: first });
    expect(refreshed.status).toBe(200);
    const body = (await refreshed.json()) as { access_token: string; refresh_token: string; expires_in: number };
    expect(body.expires_in).toBe(3600);
    expect(body.refresh_token).not.toBe(first);
    expect(gitea.oauth.refreshCount).toBe(before + 1);
    expect((await token({ grant_type: 'refresh_token', refresh_token: first })).status).toBe(200);
    gitea.oauth.invalidateRefreshTokens = true;
    const reused = await token({ grant_type: 'refresh_token', refresh_token: first });
    expect(reused.status).toBe(400);
    expect(await reused.json()).toMatchObject({ error: 'unauthorized_client' });
    gitea.oauth.invalidateRefreshTokens = false;
    const user = () => fetch(`${gitea.url}/api/v1/user`, { headers: { authorization: `Bearer ${body.access_token}` } });
    expect((await user()).status).toBe(200);
    gitea.oauth.advanceClock(3600_000);
    expect((await user()).status).toBe(401);
    gitea.oauth.advanceClock(-3600_000);
  });
});

describe('GitLab’s refresh grant on the fake', () => {
  test('rotates: the old access and refresh token stop working, reuse is invalid_grant', async () => {
    const id = await gitlabProvider();
    await callback(await atForge(await authorize(id)));
    const oldAccess = (await readProviderSecret(h, dbId(id), 'accessToken'))!;
    const oldRefresh = (await readProviderSecret(h, dbId(id), 'refreshToken'))!;
    const token = (body: Record<string, string>) =>
      fetch(`${gitlab.url}/oauth/token`, { method: 'POST', body: new URLSearchParams({ client_id: gitlabApp.clientId, client_secret: gitlabApp.clientSecret, redirect_uri: GITLAB_CALLBACK, ...body }) });
    const before = gitlab.oauth.refreshCount;
    const refreshed = await token({ grant_type: 'refresh_token', refresh_token: oldRefresh });
    expect(refreshed.status).toBe(200);
    const body = (await refreshed.json()) as { access_token: string; refresh_token: string; expires_in: number; token_type: string };
    expect(body).toMatchObject({ token_type: 'bearer', expires_in: 7200 });
    expect(gitlab.oauth.refreshCount).toBe(before + 1);
    const user = (t: string) => fetch(`${gitlab.url}/api/v4/user`, { headers: { authorization: `Bearer ${t}` } });
    expect((await user(oldAccess)).status).toBe(401);
    expect((await user(body.access_token)).status).toBe(200);
    const reused = await token({ grant_type: 'refresh_token', refresh_token: oldRefresh });
    expect(reused.status).toBe(400);
    expect(await reused.json()).toMatchObject({ error: 'invalid_grant' });
    expect((await token({ grant_type: 'refresh_token', refresh_token: body.refresh_token, client_secret: 'wrong' })).status).toBe(401);
    gitlab.advanceClock(7200_000);
    expect((await user(body.access_token)).status).toBe(401);
    // Refresh still works after the access token has expired.
    expect((await token({ grant_type: 'refresh_token', refresh_token: body.refresh_token })).status).toBe(200);
    gitlab.advanceClock(-7200_000);
  });
});

describe('refusals change nothing', () => {
  test('missing, unknown, reused, expired and foreign states, and a denied authorization', async () => {
    const id = await gitlabProvider();
    const missing = await callback(`${GITLAB_CALLBACK}?code=abc`);
    expect(missing.status).toBe(400);
    expect(missing.text).toContain('no state');
    const unknown = await callback(`${GITLAB_CALLBACK}?code=abc&state=${'A'.repeat(43)}`);
    expect(unknown.status).toBe(400);
    expect(unknown.text).toContain('not one forgegraph issued');

    // Foreign: a GitLab state on the Gitea callback (and it is not used up by that).
    const gitlabLocation = await atForge(await authorize(id));
    const foreign = await callback(`${GITEA_CALLBACK}${gitlabLocation.search}`);
    expect(foreign.status).toBe(400);
    expect(foreign.text).toContain('another connection flow');
    await nothingStored(id);

    // Expired.
    await h.database.prisma.oAuthState.updateMany({ where: { consumedAt: null, gitProviderId: dbId(id) }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const expired = await callback(gitlabLocation);
    expect(expired.status).toBe(400);
    expect(expired.text).toContain('expired');
    await nothingStored(id);

    // Denied by the user at the forge.
    gitlab.oauth.denyNext();
    const denied = await atForge(await authorize(id));
    expect(denied.searchParams.get('error')).toBe('access_denied');
    const deniedPage = await callback(denied);
    expect(deniedPage.status).toBe(400);
    expect(deniedPage.text).toContain('denied');
    await nothingStored(id);
    // …and that state is spent: replaying it with a code does not work either.
    const replay = new URL(denied);
    replay.searchParams.delete('error');
    replay.searchParams.set('code', 'abc');
    expect((await callback(replay)).status).toBe(400);
    await nothingStored(id);
  });

  test('a code the forge refuses (invalid_grant) gives 400, a failing forge 502; nothing stored', async () => {
    const id = await gitlabProvider();
    const location = await atForge(await authorize(id));
    gitlab.failNext(1, { status: 400, body: { error: 'invalid_grant', error_description: 'The provided authorization grant is invalid' } });
    const refused = await callback(location);
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('refused the authorization code');
    await nothingStored(id);

    const second = await atForge(await authorize(id));
    gitlab.failNext(1, { status: 500, body: 'oops' });
    const failing = await callback(second);
    expect(failing.status).toBe(502);
    await nothingStored(id);

    // A wrong client secret: the fake answers 401 invalid_client.
    const wrongSecret = await gitlabProvider({ secret: 'not-the-secret' });
    const third = await callback(await atForge(await authorize(wrongSecret)));
    expect(third.status).toBe(502);
    expect(third.text).toContain('invalid_client');
    await nothingStored(wrongSecret);
  });

  // The state goes with the provider (ON DELETE CASCADE): the link is then one forgegraph no longer knows.
  test('a provider deleted before the callback: 400, nothing written', async () => {
    const id = await gitlabProvider();
    const location = await atForge(await authorize(id));
    await gql(REMOVE, { id });
    gitlab.reset();
    const page = await callback(location);
    expect(page.status).toBe(400);
    expect(page.text).toMatch(/no longer exists|not one forgegraph issued/);
    expect(gitlab.requestCount((r) => r.url.pathname === '/oauth/token')).toBe(0);
  });
});

describe('authorizeGitProvider refuses', () => {
  test('a member cannot authorize someone else’s provider', async () => {
    const shared = await gitlabProvider({ sharedWithOrganization: true });
    const hidden = await gitlabProvider();
    expect((await gql(AUTHORIZE, { id: shared }, member)).data.authorizeGitProvider.__typename).toBe('NotAllowedError');
    expect((await gql(AUTHORIZE, { id: hidden }, member)).data.authorizeGitProvider.__typename).toBe('NotFoundError');
    const own = await gitlabProvider({}, member);
    expect((await gql(AUTHORIZE, { id: own }, member)).data.authorizeGitProvider.__typename).toBe('AuthorizeGitProviderSuccess');
  });

  test('a redirectUri that is not PUBLIC_URL’s callback, or missing OAuth fields', async () => {
    const wrong = await gitlabProvider({ redirectUri: 'https://elsewhere.example.com/api/gitlab/callback' });
    const res = (await gql(AUTHORIZE, { id: wrong })).data.authorizeGitProvider;
    expect(res).toMatchObject({ __typename: 'ValidationError', field: 'redirectUri' });
    expect(res.message).toContain(GITLAB_CALLBACK);
    const giteaPath = await giteaProvider({ redirectUri: GITLAB_CALLBACK });
    expect((await gql(AUTHORIZE, { id: giteaPath })).data.authorizeGitProvider).toMatchObject({ field: 'redirectUri' });
    const noApp = await gitlabProvider({ applicationId: null });
    expect((await gql(AUTHORIZE, { id: noApp })).data.authorizeGitProvider).toMatchObject({ __typename: 'ValidationError', field: 'applicationId' });
    const noSecret = await giteaProvider({ clientSecret: null });
    expect((await gql(AUTHORIZE, { id: noSecret })).data.authorizeGitProvider).toMatchObject({ __typename: 'ValidationError', field: 'clientSecret' });
  });
});

test('canary: no token, secret, code, state or verifier in any response, page, header or log line', () => {
  const secrets = [gitlabApp.clientSecret, giteaApp.clientSecret, ...gitlab.tokens.keys(), ...handed];
  const verifiers = gitlab.requests.map((r) => new URLSearchParams(r.body).get('code_verifier')).filter((v): v is string => !!v);
  const haystack = [...seen, ...h.logs].join('\n');
  for (const secret of [...secrets, ...verifiers]) {
    const at = haystack.indexOf(secret);
    expect(at === -1 ? '' : haystack.slice(Math.max(0, at - 300), at + 100)).toBe('');
  }
  const pagesAndLogs = [...pages, ...h.logs].join('\n');
  for (const state of states) expect(pagesAndLogs).not.toContain(state);
  expect(secrets.length).toBeGreaterThan(5);
  expect(states.length).toBeGreaterThan(5);
});
