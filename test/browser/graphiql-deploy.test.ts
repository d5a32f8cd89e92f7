import { randomBytes } from 'node:crypto';
import { parse, print } from 'graphql';
import type { Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FakeRequest } from '../fakes/fake-server.js';
import { FakeGitLab } from '../fakes/gitlab/fake-gitlab.js';
import { compact, GraphiQLSession, hasChromium, originOf, replaceEditorText, SETUP_TIMEOUT_MS, shownText, suiteName, TEST_TIMEOUT_MS, UI_TIMEOUT_MS } from './support.js';

// The deployments issue's "Done means", as a new user does it from GraphiQL: with a fake GitLab on 127.0.0.1
// that serves a real git repository (acme/hello, whose build.sh prints "built hello"), GraphiQL connects a
// provider, creates an application on main with `sh build.sh`, watches it with the deploymentUpdated
// subscription (GraphiQL runs it over server-sent events), deploys it, and sees the events stream into the
// response pane until SUCCEEDED; the forge gets the commit status forgegraph/deploy, pending then success, and
// its link opens GraphiQL on the deployment with the whole log. The browser talks to the service only.
//
// Two browser tabs, because GraphiQL's own tabs share one execution: while a subscription runs, every GraphiQL
// tab's run button is "Stop query", and pressing it in a second tab stops the subscription instead of sending
// the mutation (tried with this bundle; graphql/graphiql#2909). So, as a person would, the subscription keeps
// running in the first browser tab and the deploy mutation goes from GraphiQL opened again in a second one (it
// has the key already: GraphiQL keeps the headers in localStorage). Subscribing first means the subscription
// gets every event from QUEUED on, not only what is left of a deployment already running. GraphiQL's pane
// shows the latest event only, so what streamed by is recorded as the pane showed it (recordResponsePane); two
// events closer than a frame show as the second only (QUEUED is often ~40 ms before RUNNING), so the order is
// checked on what was shown, not that every event was.
//
// Needs /usr/bin/chromium (Debian's `chromium` package; .ci/run installs it). Without it the suite is skipped.

const TOKEN = `fake-${randomBytes(12).toString('hex')}`;
const REPOSITORY = 'acme/hello';
// The build goes on a moment after printing, as a real one does: GraphiQL shows only the latest event, and a
// build that printed and ended at once would have its log chunk replaced by SUCCEEDED within the same frame.
const BUILD_SH = 'echo "built hello"\nsleep 1\n';

/** A GraphQL string literal (JSON's escaping is valid GraphQL). */
const literal = (value: string) => JSON.stringify(value);

const createProvider = (gitlabUrl: string) =>
  `mutation { createGitLabProvider(input: { name: "Fake GitLab", gitlabUrl: ${literal(gitlabUrl)}, accessToken: ${literal(TOKEN)} }) { __typename ... on Error { message code } ... on CreateGitLabProviderSuccess { gitProvider { id } } } }`;
const CREATE_APPLICATION = `mutation ($id: ID!) { createApplication(input: { name: "hello", gitProviderId: $id, repository: ${literal(REPOSITORY)}, branch: "main", buildCommand: "sh build.sh" }) { __typename ... on Error { message code } ... on CreateApplicationSuccess { application { id name repository branch buildCommand canDeploy } } } }`;
const WATCH = 'subscription ($id: ID!) { deploymentUpdated(applicationId: $id) { status sequence logChunk deployment { id commitSha } } }';
const DEPLOY = 'mutation ($id: ID!) { deployApplication(input: { id: $id }) { __typename ... on Error { message code } ... on DeployApplicationSuccess { deployment { id status ref trigger } } } }';

/** One event as the response pane showed it (whitespace taken out, see `compact`). */
interface ShownEvent {
  status: string;
  sequence: number | null;
  /** The chunk as the pane shows it: JSON-escaped, without whitespace; null for a status change. */
  logChunk: string | null;
  deploymentId: string;
  commitSha: string | null;
}

function shownEvent(text: string): ShownEvent | null {
  const match = /^\{"data":\{"deploymentUpdated":\{"status":"(\w+)","sequence":(null|\d+),"logChunk":(null|"(?:[^"\\]|\\.)*"),"deployment":\{"id":"([^"]+)","commitSha":(null|"[0-9a-f]+")\}\}\}\}$/.exec(
    compact(text),
  );
  if (!match) return null;
  const [, status = '', sequence = 'null', logChunk = 'null', deploymentId = '', commitSha = 'null'] = match;
  return {
    status,
    sequence: sequence === 'null' ? null : Number(sequence),
    logChunk: logChunk === 'null' ? null : logChunk.slice(1, -1),
    deploymentId,
    commitSha: commitSha === 'null' ? null : commitSha.slice(1, -1),
  };
}

/** The same GraphiQL helpers (support.ts) on another browser tab of the same person: same service and key. */
function inTab(session: GraphiQLSession, page: Page): GraphiQLSession {
  return Object.assign(Object.create(session) as GraphiQLSession, { page });
}

/**
 * Records every text the response pane shows, in order, in the page (`paneHistory`): GraphiQL replaces the pane
 * with each event, so what streamed by is only seen by watching it. Monaco renders a whole update in one
 * frame; the observer runs after it, so it sees each rendered state, never half of one.
 */
async function recordResponsePane(tab: GraphiQLSession): Promise<void> {
  await tab.responsePane().locator('.view-lines').evaluate((lines) => {
    type Observer = new (callback: () => void) => { observe(target: unknown, options: Record<string, boolean>): void };
    const page = globalThis as unknown as { MutationObserver: Observer; paneHistory: string[] };
    const history: string[] = [];
    page.paneHistory = history;
    new page.MutationObserver(() => {
      const text = (lines as unknown as { innerText: string }).innerText.replace(/\u00a0/g, ' ');
      if (text !== history.at(-1)) history.push(text);
    }).observe(lines, { childList: true, subtree: true, characterData: true });
  });
}

function paneHistory(tab: GraphiQLSession): Promise<string[]> {
  return tab.page.evaluate(() => (globalThis as unknown as { paneHistory: string[] }).paneHistory);
}

/**
 * Presses the run button on a subscription; resolves with the request that sent it. GraphiQL sends a
 * subscription as a GET with the document in the query string (minified, so it is compared as printed).
 */
async function runSubscription(tab: GraphiQLSession, query: string): Promise<Request> {
  const expected = print(parse(query));
  const sent = tab.page.waitForRequest((r) => {
    const document = r.method() === 'GET' ? new URL(r.url()).searchParams.get('query') : null;
    return document !== null && print(parse(document)) === expected;
  });
  await tab.page.locator('.graphiql-execute-button').click();
  return sent;
}

/** What a POST to the fake carried: its query string and its body (JSON or a form), as GitLab reads them. */
function postedParams(request: FakeRequest): Record<string, string> {
  const params: Record<string, string> = Object.fromEntries(request.url.searchParams);
  if (String(request.headers['content-type'] ?? '').includes('application/json')) {
    for (const [key, value] of Object.entries(JSON.parse(request.body) as Record<string, unknown>)) params[key] = String(value);
  } else {
    Object.assign(params, Object.fromEntries(new URLSearchParams(request.body)));
  }
  return params;
}

describe.skipIf(!hasChromium)(suiteName('Deploying from GraphiQL in Chromium, from a fake GitLab with a git repository'), () => {
  const fake = new FakeGitLab();
  // Tall enough that a whole response is on screen (Monaco renders only the visible lines).
  const session = new GraphiQLSession({
    screenshot: '/tmp/graphiql-deploy.png',
    env: { FORGEGRAPH_ALLOWED_PRIVATE_HOSTS: '127.0.0.1', DEPLOY_MIN_FREE_MB: '1' },
    viewport: { width: 1400, height: 1100 },
  });
  // The response pane wraps long lines wherever they reach its edge, so it is compared without whitespace.
  const shown = async (tab: GraphiQLSession) => compact(await shownText(tab.responsePane()));
  const shows = (tab: GraphiQLSession, snippet: string) => expect.poll(() => shown(tab), { timeout: UI_TIMEOUT_MS }).toContain(compact(snippet));
  /** The second browser tab, where the deployment is started. */
  let deployTab: GraphiQLSession;
  let sha = '';
  let applicationId = '';
  let deploymentId = '';
  let statusLink: URL;
  const answers: Promise<string>[] = [];

  beforeAll(async () => {
    await fake.seed({ repositories: 1 }).start();
    fake.issueToken({ value: TOKEN, scopes: ['api', 'read_repository', 'read_user'], lifetimeSeconds: null });
    const git = fake.addGitRepository(REPOSITORY);
    sha = git.commit('main', { files: { 'build.sh': BUILD_SH }, message: 'Initial commit' });
    await session.open();
    // What the service answered to every POST (GraphQL over HTTP), read as it arrives: checked for the token.
    session.page.context().on('response', (response) => {
      if (response.request().method() === 'POST') answers.push(response.text().catch((error: Error) => `unreadable: ${error.message}`));
    });
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    try {
      await session.close(); // its screenshot is of the first tab: the subscription's last event
    } finally {
      await fake.stop();
    }
  }, SETUP_TIMEOUT_MS);

  test('a GitLab provider pointing at the fake is created, and its id goes into the Variables tab', { timeout: TEST_TIMEOUT_MS }, async () => {
    await session.load();
    await session.useApiKey();
    const mutation = createProvider(fake.url);
    await replaceEditorText(session.page, session.queryEditor(), mutation);
    await session.prettify();
    await session.run(mutation);

    await shows(session, '"__typename": "CreateGitLabProviderSuccess"');
    const providerId = /"id":"([^"]+)"/.exec(await shown(session))?.[1] ?? '';
    expect(providerId).not.toBe('');
    await session.showTool('Variables');
    await replaceEditorText(session.page, session.toolEditor(), JSON.stringify({ id: providerId }));
  });

  test('an application on acme/hello, branch main, building with `sh build.sh` is created', { timeout: TEST_TIMEOUT_MS }, async () => {
    await replaceEditorText(session.page, session.queryEditor(), CREATE_APPLICATION);
    await session.prettify();
    const sent = await session.run(CREATE_APPLICATION);
    const answered = (await sent.response())!;

    await shows(session, '"__typename": "CreateApplicationSuccess"');
    await shows(session, `"name": "hello", "repository": "${REPOSITORY}", "branch": "main", "buildCommand": "sh build.sh", "canDeploy": true`);
    applicationId = /"id":"([^"]+)"/.exec(await shown(session))?.[1] ?? '';
    expect(applicationId).not.toBe('');
    expect(applicationId).toBe(((await answered.json()) as { data: { createApplication: { application: { id: string } } } }).data.createApplication.application.id);
    await replaceEditorText(session.page, session.toolEditor(), JSON.stringify({ id: applicationId }));
  });

  test('the deploymentUpdated subscription runs in GraphiQL over server-sent events and keeps running', { timeout: TEST_TIMEOUT_MS }, async () => {
    await replaceEditorText(session.page, session.queryEditor(), WATCH);
    await session.prettify();
    await recordResponsePane(session);
    const sent = await runSubscription(session, WATCH);
    expect(sent.headers()).toMatchObject({ accept: 'text/event-stream', 'x-api-key': session.apiKey });
    expect(JSON.parse(new URL(sent.url()).searchParams.get('variables') ?? 'null')).toEqual({ id: applicationId });
    // The service accepted it as a stream (headers come at once; the body streams as long as it runs).
    const answered = (await sent.response())!;
    expect(answered.status()).toBe(200);
    expect(answered.headers()['content-type']).toMatch(/^text\/event-stream/);
    await expect.poll(() => session.page.locator('.graphiql-execute-button').getAttribute('aria-label'), { timeout: UI_TIMEOUT_MS }).toMatch(/^Stop query/);
  });

  test('in a second browser tab, GraphiQL (with the saved key) deploys the application: QUEUED', { timeout: TEST_TIMEOUT_MS }, async () => {
    const page = await session.page.context().newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') session.consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => session.pageErrors.push(error.message));
    deployTab = inTab(session, page);
    await deployTab.load();
    await deployTab.showTool('Headers');
    await expect.poll(() => shownText(deployTab.toolEditor()), { timeout: UI_TIMEOUT_MS }).toContain(session.apiKey);
    await deployTab.showTool('Variables');
    await replaceEditorText(page, deployTab.toolEditor(), JSON.stringify({ id: applicationId }));
    await replaceEditorText(page, deployTab.queryEditor(), DEPLOY);
    await deployTab.prettify();
    const sent = await deployTab.run(DEPLOY);
    expect(sent.headers()['x-api-key']).toBe(session.apiKey);

    await shows(deployTab, '"__typename": "DeployApplicationSuccess"');
    await shows(deployTab, '"status": "QUEUED", "ref": "main", "trigger": "MANUAL"');
    deploymentId = /"id":"([^"]+)"/.exec(await shown(deployTab))?.[1] ?? '';
    expect(deploymentId).not.toBe('');
    await session.page.bringToFront();
  });

  test('the first tab shows the events stream in: RUNNING, the log with the build output, then SUCCEEDED', { timeout: TEST_TIMEOUT_MS }, async () => {
    // Fetching and building take a few seconds; the pane ends on the last event, whatever the outcome.
    await expect.poll(async () => shownEvent(await shownText(session.responsePane()))?.status, { timeout: 25_000 }).toMatch(/^(SUCCEEDED|FAILED|CANCELLED)$/);
    const final = shownEvent(await shownText(session.responsePane()));
    expect(final).toEqual({ status: 'SUCCEEDED', sequence: null, logChunk: null, deploymentId, commitSha: sha });
    // The subscription is still open (it watches the application, not one deployment).
    expect(await session.page.locator('.graphiql-execute-button').getAttribute('aria-label')).toMatch(/^Stop query/);

    const history = await paneHistory(session);
    // The pane is empty from pressing run until the first event.
    const events = history.filter((text) => text.trim() !== '').map(shownEvent);
    expect(events.every((event) => event !== null && event.deploymentId === deploymentId), `the pane showed only this deployment's events:\n${history.join('\n---\n')}`).toBe(true);
    const seen = events.filter((event): event is ShownEvent => event !== null);
    // In order: statuses never go back, and log chunks come numbered 1, 2, … (the pane may skip one that was
    // replaced within a frame, never reorder them).
    const rank = ['QUEUED', 'RUNNING', 'SUCCEEDED'];
    const ranks = seen.map((event) => rank.indexOf(event.status));
    expect(ranks.every((r, i) => r >= 0 && r >= (ranks[i - 1] ?? 0))).toBe(true);
    const sequences = seen.flatMap((event) => (event.sequence === null ? [] : [event.sequence]));
    expect(sequences.every((s, i) => s > (sequences[i - 1] ?? 0))).toBe(true);
    expect(seen.map((event) => event.status)).toContain('RUNNING');
    // The build's output came as a log chunk while it ran (the whole log is checked below, from the status link).
    expect(seen.find((event) => event.logChunk?.includes(compact('built hello')))).toMatchObject({ status: 'RUNNING', commitSha: sha });
  });

  test('the fake GitLab got the commit status forgegraph/deploy on the commit: pending, then success', { timeout: TEST_TIMEOUT_MS }, () => {
    const path = `/statuses/${sha}`;
    const posted = fake.requests.filter((r) => r.method === 'POST' && r.url.pathname.endsWith(path));
    expect(posted.map((r) => postedParams(r).state)).toEqual(['pending', 'success']);
    // GitLab updates the pending status in place: one status, now success.
    const statuses = fake.commitStatuses.all.filter((s) => s.sha === sha);
    expect(statuses.map((s) => ({ name: s.name, status: s.status, ref: s.ref }))).toEqual([{ name: 'forgegraph/deploy', status: 'success', ref: 'main' }]);
    statusLink = new URL(statuses[0]!.targetUrl ?? '');
    // The link names the deployment by its own id (the GraphQL id is that id, encoded).
    const uuid = Buffer.from(deploymentId, 'base64').toString('utf8').replace(/^Deployment:/, '');
    expect(`${statusLink.pathname}${statusLink.search}`).toBe(`/deployment?id=${uuid}`);
    for (const request of posted) expect(postedParams(request)).toMatchObject({ name: 'forgegraph/deploy', target_url: statusLink.href });
  });

  test('the status links to GraphiQL on the deployment: SUCCEEDED at the commit, with the whole log', { timeout: TEST_TIMEOUT_MS }, async () => {
    // The link is on PUBLIC_URL, which defaults to http://localhost:<PORT>; the service was started with PORT=0
    // (the OS picks the port), so the link says port 0: follow its path on the service's real address.
    await deployTab.page.goto(`${new URL(session.url).origin}${statusLink.pathname}${statusLink.search}`, { waitUntil: 'load' });
    expect(new URL(deployTab.page.url()).pathname).toBe('/graphql');
    await expect.poll(async () => compact(await shownText(deployTab.queryEditor())), { timeout: UI_TIMEOUT_MS }).toContain(compact(`deployment(id: "${deploymentId}")`));
    const query = await shownText(deployTab.queryEditor());
    await deployTab.run(query);

    await shows(deployTab, `"status": "SUCCEEDED", "ref": "main", "commitSha": "${sha}", "message": null`);
    await shows(deployTab, '$ sh build.sh\\nbuilt hello\\n');
    expect(await shown(deployTab)).not.toContain(TOKEN);
  });

  test('the browser talked to the service only, nothing threw, and the token never showed', { timeout: TEST_TIMEOUT_MS }, async () => {
    const service = `127.0.0.1:${session.port}`;
    const origins = session.requests.map((r) => originOf(r.url()));
    expect(origins).toContain(service);
    expect(origins).not.toContain(originOf(fake.url));
    expect(session.requests.map((r) => r.url()).filter((url) => originOf(url) !== undefined && originOf(url) !== service)).toEqual([]);
    expect(fake.requests.filter((r) => /chrom|mozilla/i.test(String(r.headers['user-agent'] ?? '')) || r.headers.origin !== undefined)).toEqual([]);
    expect(session.pageErrors).toEqual([]);
    expect(session.consoleErrors.filter((text) => !text.includes('status of 401'))).toEqual([]);

    // The token was typed into the provider mutation, and the service never gave it back: not in any answer,
    // not in any event the pane showed, not on either tab now.
    const bodies = await Promise.all(answers);
    expect(bodies.length).toBeGreaterThan(5);
    expect(bodies.filter((body) => body.startsWith('unreadable:') || body.includes(TOKEN))).toEqual([]);
    for (const tab of [session, deployTab]) expect(await tab.page.content()).not.toContain(TOKEN);
    expect((await paneHistory(session)).filter((text) => compact(text).includes(TOKEN))).toEqual([]);
  });
});
