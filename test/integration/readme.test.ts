import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';

/** The README's first GraphQL session, pasted as a new user would, must work as written. */
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const blocks = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((match) => match[1]!);

let h: Harness;
let key: string;
beforeAll(async () => {
  h = await startHarness();
  key = await h.apiKey('Acme', 'owner@acme.test');
});
afterAll(() => h.close());

test('the README has a first session: a create and a list', () => {
  expect(blocks.length).toBeGreaterThanOrEqual(2);
  expect(blocks[0]).toContain('createGitLabProvider');
  expect(blocks[1]).toContain('gitProviders');
});

test('each README operation runs without errors, in order', async () => {
  const create = await h.graphql(blocks[0]!, {}, key);
  expect(create.errors).toBeUndefined();
  expect(create.data.createGitLabProvider).toMatchObject({
    __typename: 'CreateGitLabProviderSuccess',
    gitProvider: { name: 'GitLab Production', gitlabUrl: 'https://gitlab.com', hasClientSecret: true },
  });
  const list = await h.graphql(blocks[1]!, {}, key);
  expect(list.errors).toBeUndefined();
  expect(list.data.viewer).toEqual({ role: 'OWNER', user: { email: 'owner@acme.test' }, organization: { name: 'Acme' } });
  expect(list.data.gitProviders.edges.map((e: any) => e.node.name)).toEqual(['GitLab Production']);
});
