import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { GraphiQLSession, hasChromium, hostOf, replaceEditorText, SETUP_TIMEOUT_MS, shownText, suiteName, TEST_TIMEOUT_MS, UI_TIMEOUT_MS } from './support.js';

// A person using GraphiQL: the real service on embedded PGlite, a key from the real CLI, Debian's Chromium
// typing into the Headers and query editors and pressing the run button. GraphiQL is bundled into the page,
// so nothing may be fetched from anywhere but the service itself.
//
// Needs /usr/bin/chromium (Debian's `chromium` package; .ci/run installs it). Without it the suite is skipped.

const MUTATION =
  'mutation { createGitLabProvider(input: { name: "From GraphiQL" }) { __typename ... on CreateGitLabProviderSuccess { gitProvider { name gitlabUrl } } } }';
const LIST = '{ gitProviders(first: 10) { totalCount edges { node { name } } } }';

describe.skipIf(!hasChromium)(suiteName('GraphiQL in Chromium'), () => {
  const session = new GraphiQLSession({ screenshot: '/tmp/graphiql.png' });

  beforeAll(() => session.open(), SETUP_TIMEOUT_MS);
  afterAll(() => session.close(), SETUP_TIMEOUT_MS);

  test('GraphiQL loads from the service and shows its editors', { timeout: TEST_TIMEOUT_MS }, async () => {
    await session.load();
    // The header editor starts with the placeholder telling the user where the key comes from.
    await session.showTool('Headers');
    await expect.poll(() => shownText(session.toolEditor()), { timeout: UI_TIMEOUT_MS }).toContain('x-api-key');
  });

  test('a mutation runs with the key typed into the Headers tab', { timeout: TEST_TIMEOUT_MS }, async () => {
    await session.useApiKey();
    await replaceEditorText(session.page, session.queryEditor(), MUTATION);
    const sent = await session.run(MUTATION);
    expect(sent.headers()['x-api-key']).toBe(session.apiKey);

    await expect.poll(() => shownText(session.responsePane()), { timeout: UI_TIMEOUT_MS }).toContain('CreateGitLabProviderSuccess');
    const shown = await shownText(session.responsePane());
    expect(shown).toContain('"gitlabUrl": "https://gitlab.com"');
    expect(shown).toContain('"name": "From GraphiQL"');
  });

  test('a query lists the provider just created', { timeout: TEST_TIMEOUT_MS }, async () => {
    await replaceEditorText(session.page, session.queryEditor(), LIST);
    await session.run(LIST);
    // The previous response also names the provider: wait until the pane shows this query's answer.
    await expect.poll(() => shownText(session.responsePane()), { timeout: UI_TIMEOUT_MS }).toContain('"totalCount": 1');
    const shown = await shownText(session.responsePane());
    expect(shown).toContain('"name": "From GraphiQL"');
    expect(shown).not.toContain('CreateGitLabProviderSuccess');
    expect(shown).not.toContain('"errors"');
  });

  test('the page works offline: every request went to 127.0.0.1, and nothing threw', { timeout: TEST_TIMEOUT_MS }, () => {
    const urls = session.requests.map((r) => r.url());
    expect(urls.length).toBeGreaterThan(0);
    expect(urls.filter((url) => hostOf(url) !== undefined && hostOf(url) !== '127.0.0.1')).toEqual([]);
    expect(session.pageErrors).toEqual([]);
    // Before the key is in the Headers tab, the schema introspection is refused (401) with the placeholder;
    // nothing else may fail.
    expect(session.consoleErrors.filter((text) => !text.includes('status of 401'))).toEqual([]);
  });
});
