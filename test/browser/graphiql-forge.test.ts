import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FakeGitLab } from '../fakes/gitlab/fake-gitlab.js';
import { compact, GraphiQLSession, hasChromium, originOf, replaceEditorText, SETUP_TIMEOUT_MS, shownText, suiteName, TEST_TIMEOUT_MS, UI_TIMEOUT_MS } from './support.js';

// Issue 3's "Done means", as a person sees it: with a fake GitLab on 127.0.0.1 that the service is allowed to
// reach (FORGEGRAPH_ALLOWED_PRIVATE_HOSTS=127.0.0.1 in its environment), GraphiQL connects a provider, tests
// the connection, lists repositories and branches, and shows a forge failure clearly. The browser talks to
// the service only; the service talks to the fake.
//
// Needs /usr/bin/chromium (Debian's `chromium` package; .ci/run installs it). Without it the suite is skipped.

const TOKEN = `fake-${randomBytes(12).toString('hex')}`;
const MONOREPO = 'acme/platform/monorepo';

/** A GraphQL string literal (JSON's escaping is valid GraphQL). */
const literal = (value: string) => JSON.stringify(value);

const createMutation = (gitlabUrl: string) =>
  `mutation { createGitLabProvider(input: { name: "Fake GitLab", gitlabUrl: ${literal(gitlabUrl)}, accessToken: ${literal(TOKEN)} }) { __typename ... on Error { message code } ... on CreateGitLabProviderSuccess { gitProvider { id } } } }`;
const TEST_CONNECTION =
  'mutation ($id: ID!) { testGitProviderConnection(input: { id: $id }) { __typename ... on Error { message code } ... on TestGitProviderConnectionSuccess { report { ok identity repositoryCount } } } }';
const LISTING = `query ($id: ID!) { gitProvider(id: $id) { name repositories(first: 5, search: "monorepo") { totalCount edges { node { fullName } } } branches(repository: ${literal(MONOREPO)}, first: 3) { totalCount edges { node { name isDefault } } } } }`;
const REPOSITORIES = 'query ($id: ID!) { gitProvider(id: $id) { name repositories(first: 5, search: "monorepo") { totalCount edges { node { fullName } } } } }';

describe.skipIf(!hasChromium)(suiteName('GraphiQL in Chromium against a fake GitLab'), () => {
  const fake = new FakeGitLab();
  // Tall enough that the whole listing response is on screen (Monaco renders only the visible lines).
  const session = new GraphiQLSession({ screenshot: '/tmp/graphiql-forge.png', env: { FORGEGRAPH_ALLOWED_PRIVATE_HOSTS: '127.0.0.1' }, viewport: { width: 1400, height: 1100 } });
  // The response pane wraps long lines (the provider id, error messages) wherever they reach its edge, so
  // what it shows is compared with whitespace taken out of both sides.
  const shown = async () => compact(await shownText(session.responsePane()));
  const shows = (snippet: string) => expect.poll(shown, { timeout: UI_TIMEOUT_MS }).toContain(compact(snippet));
  let providerId = '';

  beforeAll(async () => {
    await fake.start();
    fake.seed({ repositories: 350, branchesPerRepo: 3, branchCounts: { [MONOREPO]: 450 } });
    fake.issueToken({ value: TOKEN, scopes: ['read_api', 'read_repository', 'read_user'], lifetimeSeconds: null });
    await session.open();
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    try {
      await session.close();
    } finally {
      await fake.stop();
    }
  }, SETUP_TIMEOUT_MS);

  test('a GitLab provider pointing at the fake is created, and its id goes into the Variables tab', { timeout: TEST_TIMEOUT_MS }, async () => {
    await session.load();
    await session.useApiKey();
    const mutation = createMutation(fake.url);
    await replaceEditorText(session.page, session.queryEditor(), mutation);
    await session.prettify();
    const sent = await session.run(mutation);
    const answered = (await sent.response())!;

    await shows('"__typename": "CreateGitLabProviderSuccess"');
    // Read the id off the pane as a person would (ids hold no whitespace, so unwrapping it is exact), and
    // check it against what the service sent.
    providerId = /"id":"([^"]+)"/.exec(await shown())?.[1] ?? '';
    expect(providerId).not.toBe('');
    expect(providerId).toBe(((await answered.json()) as { data: { createGitLabProvider: { gitProvider: { id: string } } } }).data.createGitLabProvider.gitProvider.id);

    await session.showTool('Variables');
    await replaceEditorText(session.page, session.toolEditor(), JSON.stringify({ id: providerId }));
  });

  test('testGitProviderConnection shows who the token belongs to and how many repositories it sees', { timeout: TEST_TIMEOUT_MS }, async () => {
    await replaceEditorText(session.page, session.queryEditor(), TEST_CONNECTION);
    await session.prettify();
    const sent = await session.run(TEST_CONNECTION);
    expect((sent.postDataJSON() as { variables: unknown }).variables).toEqual({ id: providerId });

    await shows('"__typename": "TestGitProviderConnectionSuccess"');
    await shows('"ok": true');
    await shows('"identity": "john_smith"');
    await shows('"repositoryCount": 350');
  });

  test('the provider lists repositories and branches from the fake', { timeout: TEST_TIMEOUT_MS }, async () => {
    await replaceEditorText(session.page, session.queryEditor(), LISTING);
    await session.prettify();
    await session.run(LISTING);

    // The pane still shows the previous answer until this one arrives.
    await shows('"branches": { "totalCount": 450');
    await shows('"name": "Fake GitLab"');
    await shows(`"repositories": { "totalCount": 1, "edges": [ { "node": { "fullName": "${MONOREPO}" } } ] }`);
    const text = await shown();
    expect(text.match(/\{"node":\{"name":"[^"]+","isDefault":(true|false)\}\}/g)).toHaveLength(3); // first: 3 of 450
    expect(text).not.toContain('"errors"');
  });

  test('with the token revoked on the forge, the pane shows the error and the provider stays readable', { timeout: TEST_TIMEOUT_MS }, async () => {
    fake.revokeToken(TOKEN);
    await replaceEditorText(session.page, session.queryEditor(), REPOSITORIES);
    await session.prettify();
    await session.run(REPOSITORIES);

    await shows('"code": "FORGE_AUTH_FAILED"');
    const forgeHost = new URL(fake.url).host;
    await shows(`"errors": [ { "message": "GitLab (${forgeHost}) rejected the access token: it was revoked; reconnect the provider"`);
    await shows('"path": [ "gitProvider", "repositories" ]');
    await shows('"extensions": { "code": "FORGE_AUTH_FAILED" }');
    await shows('"gitProvider": { "name": "Fake GitLab", "repositories": null }');
    expect(await shown()).not.toContain(TOKEN);
  });

  test('the browser talked to the service only: never to the fake forge, and nothing threw', { timeout: TEST_TIMEOUT_MS }, () => {
    const service = `127.0.0.1:${session.port}`;
    const fakeOrigin = originOf(fake.url);
    const origins = session.requests.map((r) => originOf(r.url()));
    expect(origins).toContain(service);
    expect(origins).not.toContain(fakeOrigin);
    expect(session.requests.map((r) => r.url()).filter((url) => originOf(url) !== undefined && originOf(url) !== service)).toEqual([]);
    // The service did reach the fake, and nothing there came from a browser.
    expect(fake.requests.length).toBeGreaterThan(0);
    expect(fake.requests.filter((r) => /chrom|mozilla/i.test(String(r.headers['user-agent'] ?? '')) || r.headers.origin !== undefined)).toEqual([]);
    expect(session.pageErrors).toEqual([]);
    // Before the key is in the Headers tab, the schema introspection is refused (401) with the placeholder;
    // nothing else may fail (a GraphQL error comes back with 200).
    expect(session.consoleErrors.filter((text) => !text.includes('status of 401'))).toEqual([]);
  });
});
