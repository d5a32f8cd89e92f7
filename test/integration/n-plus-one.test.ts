import { afterAll, beforeAll, expect, test } from 'vitest';
import { authenticate } from '../../src/resolvers/api-keys.js';
import { createGitProvider } from '../../src/resolvers/git-providers.js';
import { startHarness, type Harness } from '../support/harness.js';
import { LIST, rsaPrivateKey } from '../support/operations.js';

/** A page of providers, with every field of every variant and their relations, costs the same few Prisma operations at any size. */
let h: Harness;
let key: string;

beforeAll(async () => {
  h = await startHarness();
  key = await h.apiKey('Acme', 'owner@acme.test');
  const members = [key, await h.apiKey('Acme', 'second@acme.test', 'ADMIN'), await h.apiKey('Acme', 'third@acme.test', 'ADMIN')];
  const privateKey = rsaPrivateKey();
  const deps = { db: h.database.prisma, secrets: h.secrets };
  for (let i = 0; i < 120; i++) {
    const viewer = await authenticate(h.database.prisma, members[i % 3]);
    switch (i % 4) {
      case 0:
        await createGitProvider(deps, viewer, 'GITHUB', { name: `gh-${i}`, githubAppId: i + 1, githubPrivateKey: privateKey, githubWebhookSecret: 'w' });
        break;
      case 1:
        await createGitProvider(deps, viewer, 'GITLAB', { name: `gl-${i}`, secret: 's', accessToken: 'a', groupName: 'g' });
        break;
      case 2:
        await createGitProvider(deps, viewer, 'BITBUCKET', { name: `bb-${i}`, bitbucketEmail: 'a@b.test', apiToken: 't' });
        break;
      default:
        await createGitProvider(deps, viewer, 'GITEA', { name: `gt-${i}`, giteaUrl: 'https://g.example', clientSecret: 'c' });
    }
  }
});
afterAll(() => h.close());

async function operationsFor(first: number) {
  await h.graphql('{ viewer { role } }', {}, key); // warm the key's last-used stamp so it is not part of the count
  const start = h.operations.length;
  const res = await h.graphql(LIST, { first }, key);
  expect(res.errors).toBeUndefined();
  expect(res.data.gitProviders.edges).toHaveLength(first);
  const ops = h.operations.slice(start);
  return ops;
}

test('a page of 100 mixed providers with forge fields, creator and organization is one findMany and one count', async () => {
  const hundred = await operationsFor(100);
  const ten = await operationsFor(10);
  const one = await operationsFor(1);
  console.log(`Prisma operations for a 100-provider page: ${hundred.length} (${hundred.join(', ')})`);
  expect(hundred).toEqual(['ApiKey.findUnique', 'Member.findUnique', 'GitProvider.findMany', 'GitProvider.count']);
  expect(ten).toEqual(hundred);
  expect(one).toEqual(hundred);
});

test('the page really carries every variant with its fields and relations', async () => {
  const res = await h.graphql(LIST, { first: 100 }, key);
  const nodes = res.data.gitProviders.edges.map((e: any) => e.node);
  expect(new Set(nodes.map((n: any) => n.__typename))).toEqual(new Set(['GitHubProvider', 'GitLabProvider', 'BitbucketProvider', 'GiteaProvider']));
  expect(nodes.every((n: any) => n.organization.name === 'Acme' && n.creator.email.endsWith('@acme.test'))).toBe(true);
  expect(nodes.find((n: any) => n.__typename === 'GitHubProvider')).toMatchObject({ hasPrivateKey: true, hasWebhookSecret: true, hasClientSecret: false });
  expect(nodes.find((n: any) => n.__typename === 'GitLabProvider')).toMatchObject({ groupName: 'g', hasAccessToken: true });
  expect(res.data.gitProviders.totalCount).toBe(120);
  expect(res.data.gitProviders.pageInfo.hasNextPage).toBe(true);
});

test('more than 100 is clamped to 100', async () => {
  const res = await h.graphql(LIST, { first: 500 }, key);
  expect(res.data.gitProviders.edges).toHaveLength(100);
});
