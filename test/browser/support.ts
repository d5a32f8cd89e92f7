import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse, print } from 'graphql';
import { chromium, type Browser, type Locator, type Page, type Request } from 'playwright-core';
import { expect } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { cliEnv, startService, type Service } from '../support/service.js';

// What the GraphiQL suites share: the real service on embedded PGlite started as a user starts it, a key from
// the real CLI, Debian's Chromium, and typing into GraphiQL's Monaco editors.
//
// Needs /usr/bin/chromium (Debian's `chromium` package; .ci/run installs it). Without it the suites are skipped.

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
// Service start (tsx, PGlite migrations) and the CLI are a few seconds each; each browser step is well under 5 s.
export const SETUP_TIMEOUT_MS = 60_000;
export const TEST_TIMEOUT_MS = 30_000;
export const UI_TIMEOUT_MS = 15_000;

/** A suite's name, saying why it is skipped when Chromium is missing. */
export function suiteName(name: string): string {
  return hasChromium ? name : `${name}: skipped, ${CHROMIUM} is missing (apt-get install chromium)`;
}

/** `forgegraph api-key create` as a user runs it; with the service up it goes through the admin socket. */
async function createApiKey(dataDir: string): Promise<string> {
  const run = await runCli(['api-key', 'create', '--organization', 'Acme', '--email', 'owner@acme.test'], cliEnv({ DATA_DIR: dataDir }));
  if (run.code === 0 && /^fg_[A-Za-z0-9_-]{32}$/.test(run.lastLine)) return run.lastLine;
  throw new Error(`api-key create exited ${run.code}:\n${run.stdout}${run.stderr}`);
}

/**
 * Where a request went, as `host:port` (`host:80` when the URL names no port); blob: URLs (GraphiQL's Monaco
 * workers) belong to the page's origin, data: to none.
 */
export function originOf(url: string): string | undefined {
  let parsed = new URL(url);
  if (parsed.protocol === 'data:') return undefined;
  if (parsed.protocol === 'blob:') parsed = new URL(parsed.pathname);
  return `${parsed.hostname}:${parsed.port || (parsed.protocol === 'https:' ? '443' : '80')}`;
}

/** The host a request went to (see `originOf`). */
export function hostOf(url: string): string | undefined {
  return originOf(url)?.replace(/:\d+$/, '');
}

/** What a Monaco editor shows (it renders spaces as no-break spaces). */
export async function shownText(editor: Locator): Promise<string> {
  return (await editor.locator('.view-lines').innerText()).replace(/\u00a0/g, ' ');
}

/**
 * Replaces an editor's content from the keyboard: click in it, select all, delete, then insert the text as
 * one input. Clearing first matters: inserting over a selection leaves characters of the old text behind
 * (Monaco diffs its hidden textarea, which holds only part of a large selection), and typing key by key
 * fights the editor's bracket and quote auto-closing.
 */
export async function replaceEditorText(page: Page, editor: Locator, text: string) {
  await editor.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await expect.poll(() => shownText(editor), { timeout: UI_TIMEOUT_MS }).toBe('');
  await page.keyboard.insertText(text);
  await expect.poll(() => shownText(editor), { timeout: UI_TIMEOUT_MS }).toBe(text);
  await page.keyboard.press('Home'); // scrolled back to the start of a long line, as a person would read it
}

/**
 * One person's GraphiQL: a data directory, the service (with `env` added to its environment), an API key,
 * and a Chromium page recording every request, console error and page error. `open()` in beforeAll,
 * `close()` in afterAll; `close()` copes with an `open()` that failed half-way and leaves `screenshot`.
 */
export class GraphiQLSession {
  port = 0;
  apiKey = '';
  page!: Page;
  readonly requests: Request[] = [];
  readonly consoleErrors: string[] = [];
  readonly pageErrors: string[] = [];
  private dataDir: string | undefined;
  private service: Service | undefined;
  private browser: Browser | undefined;

  constructor(private readonly options: { screenshot: string; env?: Record<string, string>; viewport?: { width: number; height: number } }) {}

  async open(): Promise<void> {
    this.dataDir = mkdtempSync(path.join(tmpdir(), 'forgegraph-graphiql-'));
    this.service = await startService({ ...this.options.env, DATA_DIR: this.dataDir });
    this.port = this.service.port;
    this.apiKey = await createApiKey(this.dataDir);
    this.browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const context = await this.browser.newContext({ viewport: this.options.viewport ?? { width: 1400, height: 900 } });
    context.on('request', (request) => this.requests.push(request));
    this.page = await context.newPage();
    this.page.setDefaultTimeout(UI_TIMEOUT_MS);
    this.page.on('console', (message) => {
      if (message.type() === 'error') this.consoleErrors.push(message.text());
    });
    this.page.on('pageerror', (error) => this.pageErrors.push(error.message));
  }

  async close(): Promise<void> {
    try {
      if (this.page && !this.page.isClosed()) await this.page.screenshot({ path: this.options.screenshot }).catch(() => undefined);
      await this.browser?.close();
    } finally {
      await this.service?.stop();
      if (this.dataDir) rmSync(this.dataDir, { recursive: true, force: true });
    }
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/graphql`;
  }

  queryEditor(): Locator {
    return this.page.locator('.graphiql-query-editor .monaco-editor');
  }

  /** The Variables and Headers editors share the editor-tools pane; the one not shown is `.hidden`. */
  toolEditor(): Locator {
    return this.page.locator('.graphiql-editor-tool .graphiql-editor:not(.hidden) .monaco-editor');
  }

  responsePane(): Locator {
    return this.page.locator('.graphiql-response .monaco-editor');
  }

  /** Opens GraphiQL and waits for its query editor and run button. */
  async load(): Promise<void> {
    const response = await this.page.goto(this.url, { waitUntil: 'load' });
    expect(response?.status()).toBe(200);
    expect(await this.page.title()).toBe('forgegraph');
    await this.queryEditor().waitFor();
    await this.page.locator('.graphiql-execute-button').waitFor();
  }

  /** Shows the Headers (or Variables) tab of the editor-tools pane. */
  async showTool(name: 'Headers' | 'Variables'): Promise<void> {
    await this.page.getByRole('button', { name, exact: true }).click();
  }

  /**
   * Types the key into the Headers tab and re-fetches the schema with it (the first introspection went out
   * with the placeholder and was refused with 401).
   */
  async useApiKey(): Promise<void> {
    await this.showTool('Headers');
    await replaceEditorText(this.page, this.toolEditor(), JSON.stringify({ 'x-api-key': this.apiKey }));
    const introspected = this.page.waitForResponse((r) => r.request().method() === 'POST' && (r.request().postData() ?? '').includes('IntrospectionQuery'));
    await this.page.getByRole('button', { name: /Re-fetch GraphQL schema/ }).click();
    expect((await introspected).status()).toBe(200);
  }

  /** Presses GraphiQL's prettify button, so the query reads as a person would lay it out. */
  async prettify(): Promise<void> {
    await this.page.getByRole('button', { name: /Prettify query/ }).click();
    await expect.poll(async () => (await shownText(this.queryEditor())).includes('\n'), { timeout: UI_TIMEOUT_MS }).toBe(true);
  }

  /**
   * Presses the run button; resolves with the request that sent `query` (the query editor's text). GraphiQL
   * sends it minified, so documents are compared as printed by graphql-js.
   */
  async run(query: string): Promise<Request> {
    const expected = print(parse(query));
    const sent = this.page.waitForRequest((r) => {
      if (r.method() !== 'POST') return false;
      const body = r.postDataJSON() as { query?: unknown } | null;
      return typeof body?.query === 'string' && print(parse(body.query)) === expected;
    });
    await this.page.locator('.graphiql-execute-button').click();
    return sent;
  }
}

/** Text without any whitespace: what a wrapped Monaco line is compared by. */
export function compact(text: string): string {
  return text.replace(/\s+/g, '');
}
