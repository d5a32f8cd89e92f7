import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Locator, type Page, type Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

// A person using GraphiQL: the real service on embedded PGlite, a key from the real CLI, Debian's Chromium
// typing into the Headers and query editors and pressing the run button. GraphiQL is bundled into the page,
// so nothing may be fetched from anywhere but the service itself.
//
// Needs /usr/bin/chromium (Debian's `chromium` package; .ci/run installs it). Without it the suite is skipped.

const CHROMIUM = '/usr/bin/chromium';
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = path.join(ROOT, 'bin', 'forgegraph.mjs');
const SCREENSHOT = '/tmp/graphiql.png';
// Service start (tsx, PGlite migrations) and the CLI are a few seconds each; each browser step is well under 5 s.
const SETUP_TIMEOUT_MS = 60_000;
const TEST_TIMEOUT_MS = 30_000;
const UI_TIMEOUT_MS = 15_000;

const MUTATION =
  'mutation { createGitLabProvider(input: { name: "From GraphiQL" }) { __typename ... on CreateGitLabProviderSuccess { gitProvider { name gitlabUrl } } } }';
const LIST = '{ gitProviders(first: 10) { totalCount edges { node { name } } } }';

/** The running service, stopped in afterAll (set as soon as it is spawned, so a failed start is cleaned up too). */
let service: ChildProcess | undefined;

/** A user's shell: nothing of the test runner's database settings leaks into the service or the CLI. */
function userEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'info', ...extra };
  for (const name of ['DATABASE_URL', 'DATA_DIR', 'FORGEGRAPH_SECRET_KEY', 'PORT']) if (!(name in extra)) delete env[name];
  return env;
}

/** `node --import tsx src/server.ts` on a free port; resolves once it logs that it listens. */
function startService(dataDir: string): Promise<{ port: number; child: ChildProcess }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: ROOT,
      env: userEnv({ DATA_DIR: dataDir, PORT: '0' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    service = child;
    let log = '';
    const timer = setTimeout(() => reject(new Error(`the service did not start within 45 s:\n${log}`)), 45_000);
    const onData = (chunk: Buffer) => {
      log += chunk;
      const line = log.split('\n').find((l) => l.includes('forgegraph listening'));
      if (!line) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.stdout.resume();
      resolve({ port: (JSON.parse(line) as { port: number }).port, child });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk) => (log += chunk));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the service exited (${code}) before listening:\n${log}`));
    });
  });
}

async function stopService(child: ChildProcess | undefined) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(killer);
}

/** `forgegraph api-key create` as a user runs it; with the service up it goes through the admin socket. */
function createApiKey(dataDir: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'api-key', 'create', '--organization', 'Acme', '--email', 'owner@acme.test'], {
      cwd: ROOT,
      env: userEnv({ DATA_DIR: dataDir }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const key = stdout.trimEnd().split('\n').at(-1) ?? '';
      if (code === 0 && /^fg_[A-Za-z0-9_-]{32}$/.test(key)) resolve(key);
      else reject(new Error(`api-key create exited ${code}:\n${stdout}${stderr}`));
    });
  });
}

/** The host a request went to; blob: URLs (GraphiQL's Monaco workers) belong to the page's origin, data: to none. */
function hostOf(url: string): string | undefined {
  const parsed = new URL(url);
  if (parsed.protocol === 'data:') return undefined;
  if (parsed.protocol === 'blob:') return new URL(parsed.pathname).hostname;
  return parsed.hostname;
}

/** What a Monaco editor shows (it renders spaces as no-break spaces). */
async function shownText(editor: Locator): Promise<string> {
  return (await editor.locator('.view-lines').innerText()).replace(/\u00a0/g, ' ');
}

/**
 * Replaces an editor's content from the keyboard: click in it, select all, delete, then insert the text as
 * one input. Clearing first matters: inserting over a selection leaves characters of the old text behind
 * (Monaco diffs its hidden textarea, which holds only part of a large selection), and typing key by key
 * fights the editor's bracket and quote auto-closing.
 */
async function replaceEditorText(page: Page, editor: Locator, text: string) {
  await editor.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await expect.poll(() => shownText(editor), { timeout: UI_TIMEOUT_MS }).toBe('');
  await page.keyboard.insertText(text);
  await expect.poll(() => shownText(editor), { timeout: UI_TIMEOUT_MS }).toBe(text);
  await page.keyboard.press('Home'); // scrolled back to the start of a long line, as a person would read it
}

const hasChromium = existsSync(CHROMIUM);
const suiteName = hasChromium ? 'GraphiQL in Chromium' : `GraphiQL in Chromium: skipped, ${CHROMIUM} is missing (apt-get install chromium)`;

describe.skipIf(!hasChromium)(suiteName, () => {
  let dataDir: string | undefined;
  let port: number;
  let apiKey: string;
  let browser: Browser | undefined;
  let page: Page;
  const requests: Request[] = [];
  const consoleErrors: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'forgegraph-graphiql-'));
    ({ port } = await startService(dataDir));
    apiKey = await createApiKey(dataDir);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    context.on('request', (request) => requests.push(request));
    page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT_MS);
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    try {
      if (page && !page.isClosed()) await page.screenshot({ path: SCREENSHOT }).catch(() => undefined);
      await browser?.close();
    } finally {
      await stopService(service);
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    }
  }, SETUP_TIMEOUT_MS);

  const queryEditor = () => page.locator('.graphiql-query-editor .monaco-editor');
  // The Variables and Headers editors share the editor-tools pane; the one not shown is `.hidden`.
  const headersEditor = () => page.locator('.graphiql-editor-tool .graphiql-editor:not(.hidden) .monaco-editor');
  const responsePane = () => page.locator('.graphiql-response .monaco-editor');

  test('GraphiQL loads from the service and shows its editors', { timeout: TEST_TIMEOUT_MS }, async () => {
    const response = await page.goto(`http://127.0.0.1:${port}/graphql`, { waitUntil: 'load' });
    expect(response?.status()).toBe(200);
    expect(await page.title()).toBe('forgegraph');
    await queryEditor().waitFor();
    await page.locator('.graphiql-execute-button').waitFor();
    // The header editor starts with the placeholder telling the user where the key comes from.
    await page.getByRole('button', { name: 'Headers', exact: true }).click();
    await expect.poll(() => shownText(headersEditor()), { timeout: UI_TIMEOUT_MS }).toContain('x-api-key');
  });

  test('a mutation runs with the key typed into the Headers tab', { timeout: TEST_TIMEOUT_MS }, async () => {
    await page.getByRole('button', { name: 'Headers', exact: true }).click();
    await replaceEditorText(page, headersEditor(), JSON.stringify({ 'x-api-key': apiKey }));
    // The schema was introspected with the placeholder (401); re-fetching it now succeeds with the key.
    const introspected = page.waitForResponse((r) => r.request().method() === 'POST' && (r.request().postData() ?? '').includes('IntrospectionQuery'));
    await page.getByRole('button', { name: /Re-fetch GraphQL schema/ }).click();
    expect((await introspected).status()).toBe(200);
    await replaceEditorText(page, queryEditor(), MUTATION);

    const sent = page.waitForRequest((r) => r.method() === 'POST' && (r.postData() ?? '').includes('createGitLabProvider'));
    await page.locator('.graphiql-execute-button').click();
    expect((await sent).headers()['x-api-key']).toBe(apiKey);

    await expect.poll(() => shownText(responsePane()), { timeout: UI_TIMEOUT_MS }).toContain('CreateGitLabProviderSuccess');
    const shown = await shownText(responsePane());
    expect(shown).toContain('"gitlabUrl": "https://gitlab.com"');
    expect(shown).toContain('"name": "From GraphiQL"');
  });

  test('a query lists the provider just created', { timeout: TEST_TIMEOUT_MS }, async () => {
    await replaceEditorText(page, queryEditor(), LIST);
    await page.locator('.graphiql-execute-button').click();
    // The previous response also names the provider: wait until the pane shows this query's answer.
    await expect.poll(() => shownText(responsePane()), { timeout: UI_TIMEOUT_MS }).toContain('"totalCount": 1');
    const shown = await shownText(responsePane());
    expect(shown).toContain('"name": "From GraphiQL"');
    expect(shown).not.toContain('CreateGitLabProviderSuccess');
    expect(shown).not.toContain('"errors"');
  });

  test('the page works offline: every request went to 127.0.0.1, and nothing threw', { timeout: TEST_TIMEOUT_MS }, () => {
    const urls = requests.map((r) => r.url());
    expect(urls.length).toBeGreaterThan(0);
    expect(urls.filter((url) => hostOf(url) !== undefined && hostOf(url) !== '127.0.0.1')).toEqual([]);
    expect(pageErrors).toEqual([]);
    // Before the key is in the Headers tab, the schema introspection is refused (401) with the placeholder;
    // nothing else may fail.
    expect(consoleErrors.filter((text) => !text.includes('status of 401'))).toEqual([]);
  });
});
