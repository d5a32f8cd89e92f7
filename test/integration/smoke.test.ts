import { afterAll, beforeAll, expect, test } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

test('smoke', async () => {
  const key = await h.apiKey('Acme', 'owner@acme.test');
  const created = await h.graphql(
    `mutation($input: CreateGitLabProviderInput!) { createGitLabProvider(input: $input) { __typename ... on CreateGitLabProviderSuccess { gitProvider { id name gitlabUrl hasClientSecret hasAccessToken } } ... on Error { message code } } }`,
    { input: { name: 'GitLab', applicationId: 'app', secret: 's3cr3t' } },
    key,
  );
  console.log(created.text);
  const list = await h.graphql(`{ gitProviders(first: 10) { totalCount edges { node { id name providerType creator { email } organization { name } ... on GitLabProvider { gitlabUrl hasClientSecret } } } } viewer { role user { email } organization { name } } }`, {}, key);
  console.log(list.text, h.operations);
  expect(list.status).toBe(200);
});
