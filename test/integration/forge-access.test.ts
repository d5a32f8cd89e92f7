import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { AddressPolicy } from '../../src/providers/http/address-policy.js';
import { ForgeHttp } from '../../src/providers/http/forge-http.js';
import { FakeBitbucket } from '../fakes/bitbucket/fake-bitbucket.js';
import { FakeGitea } from '../fakes/gitea/fake-gitea.js';
import { FakeGitHub } from '../fakes/github/fake-github.js';
import { FakeGitLab } from '../fakes/gitlab/fake-gitlab.js';
import { startHarness, type Harness } from '../support/harness.js';
import { createMutation } from '../support/operations.js';

/** Forge access through GraphQL, on the real service and database, against the fake forges. */
const GITLAB_TOKEN = `gitlab-canary-${randomUUID()}`;
const GITEA_TOKEN = `gitea-canary-${randomUUID()}`;
const BITBUCKET = { email: 'dev@example.com', apiToken: `bb-canary-${randomUUID()}`, username: 'fake-dev', appPassword: `bb-app-canary-${randomUUID()}` };
const APP_KEYS = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
const PRIVATE_KEY_LINE = APP_KEYS.privateKey.split('\n')[3]!;
const SECRETS = [GITLAB_TOKEN, GITEA_TOKEN, BITBUCKET.apiToken, BITBUCKET.appPassword, PRIVATE_KEY_LINE];

let h: Harness;
let key: string;
const gitlab = new FakeGitLab({ externalUrl: 'https://gitlab.example.com' });
let gitea: FakeGitea;
const bitbucket = new FakeBitbucket(BITBUCKET);
let github: FakeGitHub;
const responses: string[] = [];
const ids: Record<string, string> = {};

const TEST = `mutation($id: ID!) { testGitProviderConnection(input: { id: $id }) {
  __typename
  ... on TestGitProviderConnectionSuccess {
    report { ok identity account permissions repositoryCount hasRepositories warnings roundTripMs checkedAt rateLimit { limit remaining resetAt } }
    gitProvider { lastConnectionCheck { ok errorCode message } }
  }
  ... on Error { message code }
  ... on ForgeRateLimitedError { resetAt }
  ... on ForgeAddressNotAllowedError { host }
} }`;

const REPOSITORIES = `query($id: ID!, $first: Int, $after: String, $search: String) { gitProvider(id: $id) {
  repositories(first: $first, after: $after, search: $search) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { forgeId name fullName owner isPrivate defaultBranch cloneUrl webUrl updatedAt } }
  } } }`;

const BRANCHES = `query($id: ID!, $repository: String!, $first: Int, $after: String, $search: String) { gitProvider(id: $id) {
  branches(repository: $repository, first: $first, after: $after, search: $search) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { name commitSha isProtected isDefault } }
  } } }`;

/**
 * Forge requests for the five pages of a 450-branch listing. GitLab marks the default branch itself
 * (1 request a page); GitHub, Gitea and Bitbucket fetch the repository for it on each page, Gitea serves
 * 50 branches a request, and Bitbucket also reads branch restrictions for `isProtected`.
 */
const FULL_BRANCH_LISTING_COST: Record<string, number> = { github: 10, gitlab: 5, gitea: 14, bitbucket: 15 };

async function gql(query: string, variables: Record<string, unknown>, apiKey = key) {
  const res = await h.graphql(query, variables, apiKey);
  responses.push(res.text);
  return res;
}

async function createProvider(forge: 'GitHub' | 'GitLab' | 'Gitea' | 'Bitbucket', input: Record<string, unknown>) {
  const res = await gql(createMutation(forge), { input });
  expect(res.data[`create${forge}Provider`].__typename).toBe(`Create${forge}ProviderSuccess`);
  return res.data[`create${forge}Provider`].gitProvider.id as string;
}

async function listAll(query: string, variables: Record<string, unknown>, field: 'repositories' | 'branches') {
  const names: string[] = [];
  let after: string | null = null;
  for (;;) {
    const res: any = await gql(query, { ...variables, first: 100, after });
    expect(res.errors).toBeUndefined();
    const connection = res.data.gitProvider[field];
    names.push(...connection.edges.map((e: any) => e.node.fullName ?? e.node.name));
    if (!connection.pageInfo.hasNextPage) return { names, totalCount: connection.totalCount };
    after = connection.pageInfo.endCursor;
  }
}

beforeAll(async () => {
  await gitlab.start();
  gitlab.seed({ repositories: 350, branchesPerRepo: 3, branchCounts: { 'acme/platform/monorepo': 450 } });
  gitlab.issueToken({ value: GITLAB_TOKEN, scopes: ['read_api', 'read_repository', 'read_user'] });
  gitea = await new FakeGitea({ seed: { repositories: 120, bigRepositories: [{ fullName: 'acme/monorepo', branches: 450, defaultBranch: 'develop' }] }, tokens: [GITEA_TOKEN] }).start();
  await bitbucket.start();
  bitbucket.seed({ workspace: 'acme', repositories: 230, branchesPerRepo: 3, bigRepos: { big: 450 } });
  github = await new FakeGitHub({ appId: 4242, clientId: 'Iv23liForgeAccess', publicKey: APP_KEYS.publicKey, installationId: 777 }).start();
  github.seed({ repositories: 249, branchesPerRepo: 3, extraRepositories: [{ name: 'monorepo', branches: 450, defaultBranch: 'develop', isPrivate: true }] });
  h = await startHarness({ bitbucketApiUrl: `${bitbucket.url}/2.0` });
  key = await h.apiKey('Acme', 'owner@acme.test');
  ids.gitlab = await createProvider('GitLab', { name: 'GitLab', gitlabUrl: 'https://gitlab.example.com', gitlabInternalUrl: gitlab.url, accessToken: GITLAB_TOKEN });
  ids.gitea = await createProvider('Gitea', { name: 'Gitea', giteaUrl: gitea.url, accessToken: GITEA_TOKEN });
  ids.github = await createProvider('GitHub', { name: 'GitHub', githubUrl: github.url, githubAppId: 4242, githubInstallationId: '777', githubPrivateKey: APP_KEYS.privateKey });
  ids.bitbucket = await createProvider('Bitbucket', { name: 'Bitbucket', bitbucketEmail: BITBUCKET.email, apiToken: BITBUCKET.apiToken, bitbucketWorkspaceName: 'acme' });
});

afterAll(async () => {
  await h.close();
  await Promise.all([gitlab.stop(), gitea.stop(), bitbucket.stop(), github.stop()]);
});

describe('testGitProviderConnection', () => {
  test('reports what the forge says and records it on the provider', async () => {
    const res = await gql(TEST, { id: ids.gitlab });
    const payload = res.data.testGitProviderConnection;
    expect(payload.__typename).toBe('TestGitProviderConnectionSuccess');
    expect(payload.report).toMatchObject({ ok: true, identity: 'john_smith', repositoryCount: 350, hasRepositories: true });
    expect(payload.report.permissions).toEqual(expect.arrayContaining(['read_api']));
    expect(payload.report.rateLimit.limit).toBe(7200);
    expect(payload.report.roundTripMs).toBeGreaterThanOrEqual(0);
    expect(payload.gitProvider.lastConnectionCheck).toEqual({ ok: true, errorCode: null, message: null });
    for (const id of [ids.github, ids.gitea, ids.bitbucket]) {
      const other = await gql(TEST, { id });
      expect(other.data.testGitProviderConnection.__typename).toBe('TestGitProviderConnectionSuccess');
      expect(other.data.testGitProviderConnection.report.hasRepositories).toBe(true);
    }
  });

  test('a refused token is a typed error, and the failed check is recorded', async () => {
    gitlab.revokeToken(GITLAB_TOKEN);
    try {
      const res = await gql(TEST, { id: ids.gitlab });
      expect(res.data.testGitProviderConnection).toMatchObject({ __typename: 'ForgeAuthFailedError', code: 'FORGE_AUTH_FAILED' });
      const row = await h.database.prisma.gitProvider.findFirstOrThrow({ where: { name: 'GitLab' } });
      expect(row).toMatchObject({ lastCheckOk: false, lastCheckErrorCode: 'FORGE_AUTH_FAILED' });
      const listing = await gql(REPOSITORIES, { id: ids.gitlab, first: 10 });
      expect(listing.errors?.[0]?.extensions?.code).toBe('FORGE_AUTH_FAILED');
    } finally {
      gitlab.issueToken({ value: GITLAB_TOKEN, scopes: ['read_api', 'read_repository', 'read_user'] });
    }
  });

  test('an unknown provider id is NotFound', async () => {
    const res = await gql(TEST, { id: Buffer.from('GitLabProvider:nope').toString('base64') });
    expect(res.data.testGitProviderConnection.__typename).toBe('NotFoundError');
  });
});

describe('repositories and branches', () => {
  test.each([
    ['github', 250],
    ['gitlab', 350],
    ['gitea', 120],
    ['bitbucket', 231],
  ])('%s: every repository across all forge pages, in a stable order, without duplicates', async (forge, expected) => {
    const { names, totalCount } = await listAll(REPOSITORIES, { id: ids[forge] }, 'repositories');
    expect(names).toHaveLength(expected);
    expect(new Set(names).size).toBe(expected);
    if (totalCount !== null) expect(totalCount).toBe(expected);
    const again = await listAll(REPOSITORIES, { id: ids[forge] }, 'repositories');
    expect(again.names).toEqual(names);
  });

  test.each([
    ['github', 'acme/monorepo'],
    ['gitlab', 'acme/platform/monorepo'],
    ['gitea', 'acme/monorepo'],
    ['bitbucket', 'acme/big'],
  ])('%s: all 450 branches of a repository, with one default', async (forge, repository) => {
    const fake = { github, gitlab, gitea, bitbucket }[forge]!;
    await gql(TEST, { id: ids[forge] }); // a GitHub installation token is minted once and cached; keep it out of the count
    const before = fake.requests.length;
    const res = await listAll(BRANCHES, { id: ids[forge], repository }, 'branches');
    const cost = fake.requests.length - before;
    console.log(`[${forge}] 450 branches through GraphQL (5 × first: 100): ${cost} forge requests`);
    expect(cost).toBe(FULL_BRANCH_LISTING_COST[forge]);
    expect(res.names).toHaveLength(450);
    expect(new Set(res.names).size).toBe(450);
    const first = await gql(BRANCHES, { id: ids[forge], repository, first: 100 });
    const page = await gql(BRANCHES, { id: ids[forge], repository, first: 100, after: first.data.gitProvider.branches.pageInfo.endCursor });
    expect(page.data.gitProvider.branches.edges[0].node.name).toBe(res.names[100]);
  });

  test('search narrows repositories and branches', async () => {
    const repos = await gql(REPOSITORIES, { id: ids.gitlab, first: 100, search: 'monorepo' });
    expect(repos.data.gitProvider.repositories.edges.map((e: any) => e.node.fullName)).toContain('acme/platform/monorepo');
    expect(repos.data.gitProvider.repositories.edges.length).toBeLessThan(10);
    const branches = await gql(BRANCHES, { id: ids.gitea, repository: 'acme/monorepo', first: 100, search: 'develop' });
    expect(branches.data.gitProvider.branches.edges.map((e: any) => e.node)).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'develop', isDefault: true })]),
    );
  });

  test('the same forge call asked twice in one request is made once', async () => {
    gitlab.server.reset();
    const query = `query($id: ID!) { gitProvider(id: $id) {
      a: branches(repository: "acme/platform/monorepo", first: 50) { edges { node { name } } }
      b: branches(repository: "acme/platform/monorepo", first: 50) { edges { node { name } } }
    } }`;
    const res = await gql(query, { id: ids.gitlab });
    expect(res.errors).toBeUndefined();
    expect(res.data.gitProvider.a).toEqual(res.data.gitProvider.b);
    expect(gitlab.requestCount((r) => r.url.pathname.includes('/repository/branches'))).toBe(1);
  });

  test('an unknown repository is a FORGE_NOT_FOUND error', async () => {
    const res = await gql(BRANCHES, { id: ids.gitlab, repository: 'acme/does-not-exist', first: 10 });
    expect(res.errors?.[0]?.extensions?.code).toBe('FORGE_NOT_FOUND');
  });

  test('a member cannot list the forge of a provider they cannot see', async () => {
    const member = await h.apiKey('Acme', 'member@acme.test');
    const res = await gql(REPOSITORIES, { id: ids.gitlab, first: 10 }, member);
    expect(res.data.gitProvider).toBeNull();
    const test = await gql(TEST, { id: ids.gitlab }, member);
    expect(test.data.testGitProviderConnection.__typename).toBe('NotFoundError');
  });
});

describe('private addresses', () => {
  test('refused by default, before any request reaches the forge; allowed by FORGEGRAPH_ALLOWED_PRIVATE_HOSTS', async () => {
    const refusing = await startHarness({ forgeHttp: new ForgeHttp({ policy: new AddressPolicy(''), attemptTimeoutMs: 2_000, maxRetries: 1, maxRetryWaitMs: 100 }) });
    try {
      const apiKey = await refusing.apiKey('Acme', 'owner@acme.test');
      const created = await refusing.graphql(createMutation('Gitea'), { input: { name: 'internal', giteaUrl: gitea.url, accessToken: GITEA_TOKEN } }, apiKey);
      const id = created.data.createGiteaProvider.gitProvider.id;
      gitea.reset();
      const res = await refusing.graphql(TEST, { id }, apiKey);
      responses.push(res.text);
      expect(res.data.testGitProviderConnection).toMatchObject({ __typename: 'ForgeAddressNotAllowedError', code: 'FORGE_ADDRESS_NOT_ALLOWED', host: '127.0.0.1' });
      expect(res.data.testGitProviderConnection.message).toMatch(/FORGEGRAPH_ALLOWED_PRIVATE_HOSTS/);
      const listing = await refusing.graphql(REPOSITORIES, { id, first: 5 }, apiKey);
      expect(listing.errors?.[0]?.extensions).toMatchObject({ code: 'FORGE_ADDRESS_NOT_ALLOWED', host: '127.0.0.1' });
      expect(gitea.requests).toHaveLength(0);
    } finally {
      await refusing.close();
    }
    // The suite's own harness allows 127.0.0.1, as an operator would with FORGEGRAPH_ALLOWED_PRIVATE_HOSTS=127.0.0.1.
    expect((await gql(TEST, { id: ids.gitea })).data.testGitProviderConnection.__typename).toBe('TestGitProviderConnectionSuccess');
  });
});

test('no forge credential appears in any response or log line', () => {
  expect(responses.length).toBeGreaterThan(10);
  for (const secret of SECRETS) {
    for (const text of responses) expect(text).not.toContain(secret);
    for (const line of h.logs) expect(line).not.toContain(secret);
  }
});
