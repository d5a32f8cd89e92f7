import { createHash, generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { authenticate } from '../../src/resolvers/api-keys.js';
import { issueState } from '../../src/resolvers/oauth-states.js';
import { FakeGitHub } from '../fakes/github/fake-github.js';
import { GET } from '../support/operations.js';
import { PUBLIC_URL, startHarness, type Harness } from '../support/harness.js';

/**
 * The GitHub App manifest flow and the installation redirect, through the real routes (yoga.fetch) and the
 * fake GitHub's web pages and API: start → manifest form → GitHub's redirect with a code → provider created →
 * installation page → GitHub's redirect with the installation → stored after checking it as the App.
 */
const PRIMARY_KEYS = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
const PRIMARY_APP_ID = 4242;
const PRIMARY_INSTALLATION = 777;

const START = `mutation($input: StartGitHubAppCreationInput!) { startGitHubAppCreation(input: $input) {
  __typename
  ... on StartGitHubAppCreationSuccess { url manifest state expiresAt pageUrl }
  ... on Error { message code }
  ... on ValidationError { field }
} }`;

const TEST_CONNECTION = `mutation($id: ID!) { testGitProviderConnection(input: { id: $id }) {
  __typename
  ... on TestGitProviderConnectionSuccess { report { ok identity account hasRepositories warnings } }
  ... on Error { message code }
} }`;

let h: Harness;
let github: FakeGitHub;
let ownerKey: string;
let memberKey: string;

interface Page {
  status: number;
  text: string;
  location: string | null;
  /** States this page may show (the one it hands on: the install link's, the manifest form's). */
  allowedStates: string[];
}
const pages: Page[] = [];
const states: string[] = [];

beforeAll(async () => {
  github = await new FakeGitHub({ appId: PRIMARY_APP_ID, clientId: 'Iv23liPrimary', publicKey: PRIMARY_KEYS.publicKey, installationId: PRIMARY_INSTALLATION }).start();
  github.seed({ repositories: 4, branchesPerRepo: 2 });
  h = await startHarness();
  ownerKey = await h.apiKey('Acme', 'owner@acme.test');
  memberKey = await h.apiKey('Acme', 'dev@acme.test', 'MEMBER');
});

afterAll(async () => {
  await h.close();
  await github.stop();
});

// ---- helpers ---------------------------------------------------------------------------------------

async function start(input: Record<string, unknown>, apiKey = memberKey) {
  const res = await h.graphql(START, { input }, apiKey);
  expect(res.errors).toBeUndefined();
  const payload = res.data.startGitHubAppCreation;
  if (payload.__typename === 'StartGitHubAppCreationSuccess') states.push(payload.state);
  return payload;
}

/** A GET on this service, as a browser would (no API key). */
async function visit(url: string, allowedStates: string[] = []): Promise<Page> {
  expect(url.startsWith(`${PUBLIC_URL}/`)).toBe(true);
  const response = await h.yoga.fetch(url, { redirect: 'manual' });
  const page = { status: response.status, text: await response.text(), location: response.headers.get('location'), allowedStates };
  pages.push(page);
  return page;
}

const setupUrl = (params: Record<string, string | null>) => {
  const url = new URL(`${PUBLIC_URL}/api/github/setup`);
  for (const [name, value] of Object.entries(params)) if (value !== null) url.searchParams.set(name, value);
  return url.toString();
};

/** The browser posting the manifest form to GitHub: GitHub answers with a redirect to the manifest's redirect_url. */
async function postManifest(url: string, manifest: string): Promise<string> {
  const response = await fetch(url, { method: 'POST', body: new URLSearchParams({ manifest }), redirect: 'manual' });
  expect(response.status).toBe(302);
  return response.headers.get('location')!;
}

/** The browser opening the App's installation page: the person installs it, GitHub redirects to the setup URL. */
async function openInstallPage(url: string): Promise<string> {
  const response = await fetch(url, { redirect: 'manual' });
  expect(response.status).toBe(302);
  return response.headers.get('location')!;
}

function unescapeHtml(text: string): string {
  return text.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));
}

function installLinkOf(page: Page): string {
  const match = /<a class="action" href="([^"]+)"/.exec(page.text);
  expect(match).not.toBeNull();
  return unescapeHtml(match![1]!);
}

async function counts() {
  const db = h.database.prisma;
  return {
    providers: await db.gitProvider.count(),
    secrets: await db.gitProviderSecret.count(),
    installations: await db.githubProvider.count({ where: { githubInstallationId: { not: null } } }),
  };
}

/** Runs the flow up to the created provider; returns its database id, the install link, and the fake's new App. */
async function createApp(name: string, apiKey = memberKey) {
  const started = await start({ name, githubUrl: github.url }, apiKey);
  const back = await postManifest(started.url, started.manifest);
  const page = await visit(back);
  expect(page.status).toBe(200);
  const installLink = installLinkOf(page);
  const installState = new URL(installLink).searchParams.get('state')!;
  page.allowedStates.push(installState);
  states.push(installState);
  const app = github.createdApps.at(-1)!;
  const row = await h.database.prisma.githubProvider.findFirstOrThrow({ where: { githubAppId: app.id } });
  return { started, page, installLink, installState, app, providerId: row.gitProviderId };
}

const globalId = (id: string) => Buffer.from(`GitHubProvider:${id}`).toString('base64');
const stateHash = (state: string) => createHash('sha256').update(state).digest('hex');

async function expectRefused(url: string, status: number, message: RegExp) {
  const before = await counts();
  const conversions = github.requestsTo(/^\/app-manifests\//, 'POST').length;
  const page = await visit(url);
  expect(page.status).toBe(status);
  expect(unescapeHtml(page.text)).toMatch(message);
  expect(unescapeHtml(page.text)).toMatch(/Nothing was changed/);
  expect(await counts()).toEqual(before);
  return { page, conversionsCalled: github.requestsTo(/^\/app-manifests\//, 'POST').length - conversions };
}

// ---- start ------------------------------------------------------------------------------------------

describe('startGitHubAppCreation', () => {
  test('the form URL and the manifest: redirect, setup and webhook URLs on PUBLIC_URL, permissions, events', async () => {
    const started = await start({ name: 'Forgegraph Acme' });
    expect(started.__typename).toBe('StartGitHubAppCreationSuccess');
    expect(started.state).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(started.url).toBe(`https://github.com/settings/apps/new?state=${started.state}`);
    const expiresIn = new Date(started.expiresAt).getTime() - Date.now();
    expect(expiresIn).toBeGreaterThan(9 * 60 * 1000);
    expect(expiresIn).toBeLessThanOrEqual(10 * 60 * 1000);
    expect(JSON.parse(started.manifest)).toEqual({
      name: 'Forgegraph Acme',
      url: PUBLIC_URL,
      hook_attributes: { url: `${PUBLIC_URL}/api/github/webhook`, active: true },
      redirect_url: `${PUBLIC_URL}/api/github/setup`,
      setup_url: `${PUBLIC_URL}/api/github/setup`,
      setup_on_update: true,
      public: false,
      default_permissions: { contents: 'read', metadata: 'read', pull_requests: 'write', deployments: 'write', statuses: 'write' },
      // installation and installation_repositories events reach every App without subscribing.
      default_events: ['push', 'pull_request'],
    });
    expect(started.pageUrl).toBe(`${PUBLIC_URL}/api/github/manifest?state=${started.state}`);
    // Only a hash of the state is stored.
    expect(JSON.stringify(await h.database.prisma.oAuthState.findMany())).not.toContain(started.state);
  });

  test('organization variant and Enterprise hosts', async () => {
    const org = await start({ name: 'Forgegraph', organization: 'acme-corp' });
    expect(org.url).toBe(`https://github.com/organizations/acme-corp/settings/apps/new?state=${org.state}`);
    const ghes = await start({ name: 'Forgegraph', githubUrl: 'https://ghe.example.com/' });
    expect(ghes.url).toBe(`https://ghe.example.com/settings/apps/new?state=${ghes.state}`);
    const ghesOrg = await start({ name: 'Forgegraph', githubUrl: 'https://ghe.example.com', organization: 'platform' });
    expect(ghesOrg.url).toBe(`https://ghe.example.com/organizations/platform/settings/apps/new?state=${ghesOrg.state}`);
    const ghec = await start({ name: 'Forgegraph', githubUrl: 'https://octo.ghe.com' });
    expect(ghec.url).toBe(`https://octo.ghe.com/settings/apps/new?state=${ghec.state}`);
    expect(JSON.parse(ghes.manifest).redirect_url).toBe(`${PUBLIC_URL}/api/github/setup`);
  });

  test('input is validated; an API key is required', async () => {
    const before = await h.database.prisma.oAuthState.count();
    expect(await start({ name: 'x'.repeat(35) })).toMatchObject({ __typename: 'ValidationError', field: 'name' });
    expect(await start({ name: 'ok', organization: 'not a login' })).toMatchObject({ __typename: 'ValidationError', field: 'organization' });
    expect(await start({ name: 'ok', githubUrl: 'ftp://ghe.example.com' })).toMatchObject({ __typename: 'ValidationError', field: 'githubUrl' });
    const anonymous = await h.graphql(START, { input: { name: 'ok' } }, null);
    expect(anonymous.status).toBe(401);
    expect(await h.database.prisma.oAuthState.count()).toBe(before);
  });

  test('the manifest page: a button posting the manifest to GitHub, nothing consumed', async () => {
    const started = await start({ name: 'Forgegraph Page', githubUrl: github.url, organization: 'acme' });
    const page = await visit(started.pageUrl, [started.state]);
    expect(page.status).toBe(200);
    const action = unescapeHtml(/<form method="post" action="([^"]+)"/.exec(page.text)![1]!);
    const manifest = unescapeHtml(/name="manifest" value="([^"]+)"/.exec(page.text)![1]!);
    expect(action).toBe(started.url);
    expect(JSON.parse(manifest)).toEqual(JSON.parse(started.manifest));
    expect(page.text).not.toContain('<script');
    const response = await h.yoga.fetch(started.pageUrl);
    expect(response.headers.get('content-security-policy')).toContain(`form-action ${github.url}`);
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    await response.text();
    // Still usable: GitHub hands the same state back to the setup URL.
    const row = await h.database.prisma.oAuthState.findUniqueOrThrow({ where: { stateHash: stateHash(started.state) } });
    expect(row.consumedAt).toBeNull();
    expect((await visit(`${PUBLIC_URL}/api/github/manifest?state=nope`)).status).toBe(400);
    expect((await visit(`${PUBLIC_URL}/api/github/manifest`)).status).toBe(400);
  });
});

// ---- the whole flow ---------------------------------------------------------------------------------

describe('from the URL the API gives to an installed provider', () => {
  test('start → GitHub creates the App → provider with sealed secrets → install → installation checked and stored → connection works', async () => {
    const before = await counts();
    const started = await start({ name: 'Forgegraph Flow', githubUrl: github.url });
    // The browser: the manifest page's form, posted to GitHub.
    const form = await visit(started.pageUrl, [started.state]);
    const action = unescapeHtml(/action="([^"]+)"/.exec(form.text)![1]!);
    const manifest = unescapeHtml(/name="manifest" value="([^"]+)"/.exec(form.text)![1]!);
    const back = await postManifest(action, manifest);
    expect(back.startsWith(`${PUBLIC_URL}/api/github/setup?code=`)).toBe(true);
    expect(new URL(back).searchParams.get('state')).toBe(started.state);

    const created = await visit(back);
    expect(created.status).toBe(200);
    expect(unescapeHtml(created.text)).toMatch(/GitHub App created/);
    const app = github.createdApps.at(-1)!;
    expect(app.manifest.hook_attributes?.url).toBe(`${PUBLIC_URL}/api/github/webhook`);
    const installLink = installLinkOf(created);
    const installState = new URL(installLink).searchParams.get('state')!;
    created.allowedStates.push(installState);
    states.push(installState);
    expect(installLink).toBe(`${github.url}/apps/${app.slug}/installations/new?state=${installState}`);
    expect(installState).not.toBe(started.state);
    expect(github.requestsTo(`/app-manifests/${new URL(back).searchParams.get('code')}/conversions`, 'POST')).toHaveLength(1);

    const after = await counts();
    expect(after).toEqual({ providers: before.providers + 1, secrets: before.secrets + 3, installations: before.installations });
    const row = await h.database.prisma.githubProvider.findFirstOrThrow({ where: { githubAppId: app.id } });
    const id = globalId(row.gitProviderId);
    const provider = (await h.graphql(GET, { id }, memberKey)).data.gitProvider;
    expect(provider).toMatchObject({
      __typename: 'GitHubProvider',
      name: 'Forgegraph Flow',
      githubAppId: app.id,
      githubAppName: app.slug,
      githubClientId: app.clientId,
      githubInstallationId: null,
      githubUrl: github.url,
      hasPrivateKey: true,
      hasClientSecret: true,
      hasWebhookSecret: true,
      sharedWithOrganization: false,
      creator: { email: 'dev@acme.test' },
      organization: { name: 'Acme' },
    });
    // Sealed: no secret is stored in the clear.
    const stored = JSON.stringify(await h.database.prisma.gitProviderSecret.findMany({ where: { gitProviderId: row.gitProviderId } }));
    for (const secret of [app.clientSecret, app.webhookSecret, app.pem.split('\n')[3]!]) expect(stored).not.toContain(secret);

    // The browser: the install link, GitHub's installation page, back to the setup URL.
    const installedBack = await openInstallPage(installLink);
    const installationId = new URL(installedBack).searchParams.get('installation_id')!;
    expect(new URL(installedBack).searchParams.get('setup_action')).toBe('install');
    expect(github.installationOf(Number(installationId))?.appId).toBe(app.id);
    const installed = await visit(installedBack);
    expect(installed.status).toBe(200);
    expect(unescapeHtml(installed.text)).toMatch(/GitHub App installed/);
    // Checked as the App: a JWT (not an installation token) on GET /app/installations/{id}.
    const check = github.requestsTo(`/app/installations/${installationId}`).at(-1)!;
    expect(check.headers.authorization).toMatch(/^bearer eyJ/i);

    expect((await h.graphql(GET, { id }, memberKey)).data.gitProvider.githubInstallationId).toBe(installationId);
    const tested = (await h.graphql(TEST_CONNECTION, { id }, memberKey)).data.testGitProviderConnection;
    expect(tested).toMatchObject({ __typename: 'TestGitProviderConnectionSuccess', report: { ok: true, identity: app.slug, account: 'acme-installs', hasRepositories: true } });
    expect(tested.report.warnings).toEqual([]);

    // Each state did its one job.
    expect((await visit(back)).status).toBe(400);
    expect((await visit(installedBack)).status).toBe(400);
  });

  test('an App created under an organization is owned by it on GitHub', async () => {
    const started = await start({ name: 'Forgegraph Org', githubUrl: github.url, organization: 'acme-corp' });
    const page = await visit(await postManifest(started.url, started.manifest));
    expect(page.status).toBe(200);
    page.allowedStates.push(new URL(installLinkOf(page)).searchParams.get('state')!);
    expect(github.createdApps.at(-1)!.owner.login).toBe('acme-corp');
  });
});

// ---- refusals ----------------------------------------------------------------------------------------

describe('the creation callback refuses, and changes nothing', () => {
  test('missing, unknown, reused, expired and foreign states; the code is never sent to GitHub', async () => {
    const code = github.issueManifestCode({ manifest: (await start({ name: 'Unused', githubUrl: github.url })).manifest });
    const refusals: [string | null, RegExp][] = [
      [null, /carries no state/],
      ['not-a-state-we-issued', /not one forgegraph issued/],
    ];
    for (const [state, message] of refusals) expect((await expectRefused(setupUrl({ code, state }), 400, message)).conversionsCalled).toBe(0);

    // Reused: a state that already completed a creation.
    const { started } = await createApp('Reused State');
    expect((await expectRefused(setupUrl({ code, state: started.state }), 400, /already been used/)).conversionsCalled).toBe(0);

    // Expired: ten minutes passed (the row's expiry moved to the past).
    const expired = await start({ name: 'Expired', githubUrl: github.url });
    await h.database.prisma.oAuthState.update({ where: { stateHash: stateHash(expired.state) }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await expectRefused(setupUrl({ code, state: expired.state }), 400, /expired/)).conversionsCalled).toBe(0);

    // Foreign: a state of another flow (the installation's, and GitLab's).
    const viewer = await authenticate(h.database.prisma, memberKey);
    const gitlab = await issueState({ db: h.database.prisma, secrets: h.secrets }, viewer, 'gitlab');
    states.push(gitlab.state);
    expect((await expectRefused(setupUrl({ code, state: gitlab.state }), 400, /another connection flow/)).conversionsCalled).toBe(0);
    const { installState } = await createApp('Foreign State');
    expect((await expectRefused(setupUrl({ code, state: installState }), 400, /another connection flow/)).conversionsCalled).toBe(0);
    // A state shown to the wrong callback is not used up by it (oauth-states checks the flow first).
    expect((await h.database.prisma.oAuthState.findUniqueOrThrow({ where: { stateHash: stateHash(installState) } })).consumedAt).toBeNull();
  });

  test('a code GitHub does not know, already converted, or older than an hour: 400, nothing created', async () => {
    const unknown = await start({ name: 'Unknown Code', githubUrl: github.url });
    const { page } = await expectRefused(setupUrl({ code: 'deadbeef', state: unknown.state }), 400, /did not accept the code/);
    expect(page.text).toMatch(/GitHub App not created/);
    expect(github.requestsTo('/app-manifests/deadbeef/conversions', 'POST')).toHaveLength(1);

    const first = await start({ name: 'Converted Twice', githubUrl: github.url });
    const back = new URL(await postManifest(first.url, first.manifest));
    expect((await visit(back.toString())).status).toBe(200);
    pages.at(-1)!.allowedStates.push(new URL(installLinkOf(pages.at(-1)!)).searchParams.get('state')!);
    const second = await start({ name: 'Converted Twice', githubUrl: github.url });
    await expectRefused(setupUrl({ code: back.searchParams.get('code'), state: second.state }), 400, /did not accept the code/);

    const late = await start({ name: 'Late Code', githubUrl: github.url });
    const lateCode = new URL(await postManifest(late.url, late.manifest)).searchParams.get('code');
    github.advanceClock(61 * 60 * 1000);
    try {
      await expectRefused(setupUrl({ code: lateCode, state: late.state }), 400, /did not accept the code/);
    } finally {
      github.advanceClock(-61 * 60 * 1000);
    }
  });

  test('GitHub failing, hanging, or at a refused address: 502 within the deadline, nothing created', async () => {
    const failing = await start({ name: 'Failing', githubUrl: github.url });
    const code = new URL(await postManifest(failing.url, failing.manifest)).searchParams.get('code');
    github.failNext(1, { status: 503, body: { message: 'Service Unavailable' } });
    await expectRefused(setupUrl({ code, state: failing.state }), 502, /could not be reached/);
    expect(github.requestsTo(`/app-manifests/${code}/conversions`, 'POST')).toHaveLength(1); // a code converts once: no retry

    const hanging = await start({ name: 'Hanging', githubUrl: github.url });
    const hangingCode = new URL(await postManifest(hanging.url, hanging.manifest)).searchParams.get('code');
    github.hangNext(1, 6_000);
    const began = Date.now();
    await expectRefused(setupUrl({ code: hangingCode, state: hanging.state }), 502, /could not be reached/);
    expect(Date.now() - began).toBeLessThan(4_000); // the test ForgeHttp's attempt timeout is 2 s

    const down = await start({ name: 'Down', githubUrl: 'http://127.0.0.1:1' });
    await expectRefused(setupUrl({ code: 'abc123', state: down.state }), 502, /could not be reached/);

    const metadata = await start({ name: 'Metadata', githubUrl: 'http://169.254.169.254' });
    await expectRefused(setupUrl({ code: 'abc123', state: metadata.state }), 502, /private, loopback or link-local/);
  });

  test('no code and no installation, or a malformed code: 400 without touching the state', async () => {
    const started = await start({ name: 'Malformed', githubUrl: github.url });
    expect((await visit(setupUrl({ state: started.state }))).status).toBe(400);
    expect((await visit(setupUrl({ code: '../../etc', state: started.state }))).status).toBe(400);
    const row = await h.database.prisma.oAuthState.findUniqueOrThrow({ where: { stateHash: stateHash(started.state) } });
    expect(row.consumedAt).toBeNull();
  });
});

describe('the installation callback refuses, and stores nothing', () => {
  test('missing, unknown, reused, expired and foreign states', async () => {
    const { installLink, installState, providerId } = await createApp('Install States');
    const installationId = new URL(await openInstallPage(installLink)).searchParams.get('installation_id')!;
    const install = (state: string | null) => setupUrl({ installation_id: installationId, setup_action: 'install', state });
    await expectRefused(install(null), 400, /carries no state/);
    await expectRefused(install('not-a-state-we-issued'), 400, /not one forgegraph issued/);
    const manifestState = (await start({ name: 'Wrong Flow', githubUrl: github.url })).state;
    await expectRefused(install(manifestState), 400, /another connection flow/);
    await h.database.prisma.oAuthState.update({ where: { stateHash: stateHash(installState) }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await expectRefused(install(installState), 400, /expired/);
    await h.database.prisma.oAuthState.update({ where: { stateHash: stateHash(installState) }, data: { expiresAt: new Date(Date.now() + 60_000) } });
    // Reused: a state that already recorded an installation.
    const other = await createApp('Install Reused');
    const back = await openInstallPage(other.installLink);
    expect((await visit(back)).status).toBe(200);
    const otherInstallation = new URL(back).searchParams.get('installation_id')!;
    await expectRefused(setupUrl({ installation_id: otherInstallation, setup_action: 'install', state: other.installState }), 400, /already been used/);
    expect(github.requestsTo(`/app/installations/${installationId}`)).toHaveLength(0);
    expect((await h.database.prisma.githubProvider.findUniqueOrThrow({ where: { gitProviderId: providerId } })).githubInstallationId).toBeNull();
  });

  test('an installation of another App, or none at all, is refused; the App is asked and says 404', async () => {
    const a = await createApp('App A');
    const b = await createApp('App B');
    const ofB = github.installApp(b.app.id);
    for (const [installationId, state] of [
      [String(PRIMARY_INSTALLATION), a.installState],
      [String(ofB), (await issueInstallState(a.providerId)).state],
      ['987654321', (await issueInstallState(a.providerId)).state],
    ] as const) {
      await expectRefused(setupUrl({ installation_id: installationId, setup_action: 'install', state }), 400, /not an installation of this App/);
      const check = github.requestsTo(`/app/installations/${installationId}`).at(-1)!;
      expect(check.headers.authorization).toMatch(/^bearer /i);
    }
    expect((await h.database.prisma.githubProvider.findUniqueOrThrow({ where: { gitProviderId: a.providerId } })).githubInstallationId).toBeNull();
  });

  test('setup_action=update re-checks the installation before storing it', async () => {
    const a = await createApp('App Update');
    const first = await openInstallPage(a.installLink);
    expect((await visit(first)).status).toBe(200);
    const firstId = new URL(first).searchParams.get('installation_id')!;
    const foreign = await issueInstallState(a.providerId);
    await expectRefused(setupUrl({ installation_id: String(PRIMARY_INSTALLATION), setup_action: 'update', state: foreign.state }), 400, /not an installation of this App/);
    const row = () => h.database.prisma.githubProvider.findUniqueOrThrow({ where: { gitProviderId: a.providerId } });
    expect((await row()).githubInstallationId).toBe(firstId);
    const second = github.installApp(a.app.id, { login: 'acme-second', id: 6_002, type: 'Organization' });
    const own = await issueInstallState(a.providerId);
    const page = await visit(setupUrl({ installation_id: String(second), setup_action: 'update', state: own.state }));
    expect(page.status).toBe(200);
    expect(unescapeHtml(page.text)).toMatch(/on acme-second/);
    expect((await row()).githubInstallationId).toBe(String(second));
  });

  test('GitHub failing or hanging: 502 within the deadline, nothing stored', async () => {
    const a = await createApp('Install Down');
    const back = new URL(await openInstallPage(a.installLink));
    const installationId = back.searchParams.get('installation_id')!;
    github.failNext(1, { status: 503, body: { message: 'Service Unavailable' } });
    await expectRefused(back.toString(), 502, /could not be reached/);
    const retry = await issueInstallState(a.providerId);
    github.hangNext(1, 6_000);
    const began = Date.now();
    await expectRefused(setupUrl({ installation_id: installationId, setup_action: 'install', state: retry.state }), 502, /could not be reached/);
    expect(Date.now() - began).toBeLessThan(4_000);
  });

  test('a malformed installation_id, and an installation request awaiting approval, change nothing', async () => {
    const before = await counts();
    expect((await visit(setupUrl({ installation_id: '12abc', setup_action: 'install', state: 'x' }))).status).toBe(400);
    expect((await visit(setupUrl({ setup_action: 'request', state: 'x' }))).status).toBe(202);
    expect(await counts()).toEqual(before);
  });
});

/** A fresh 'github-install' state for a provider, as the creation callback issues (for re-checks and retries). */
async function issueInstallState(providerId: string) {
  const viewer = await authenticate(h.database.prisma, memberKey);
  const issued = await issueState({ db: h.database.prisma, secrets: h.secrets }, viewer, 'github-install', { gitProviderId: providerId });
  states.push(issued.state);
  return issued;
}

// ---- canary ------------------------------------------------------------------------------------------

test('canary: no secret or state in any page, redirect or log line (but the state a page hands on)', async () => {
  expect(github.createdApps.length).toBeGreaterThan(5);
  expect(pages.length).toBeGreaterThan(30);
  const secrets = github.createdApps.flatMap((app) => [app.clientSecret, app.webhookSecret, ...app.pem.split('\n').filter((line) => line.length > 20 && !line.startsWith('-----'))]);
  const logs = h.logs.join('\n');
  expect(logs).toMatch(/GitHub App created from a manifest/);
  for (const secret of [...secrets, ...states]) expect(logs).not.toContain(secret);
  for (const page of pages) {
    const seen = `${page.text}\n${page.location ?? ''}`;
    for (const secret of secrets) expect(seen).not.toContain(secret);
    for (const state of states.filter((s) => !page.allowedStates.includes(s))) expect(seen).not.toContain(state);
    expect(seen).not.toMatch(/BEGIN [A-Z ]*PRIVATE KEY|stack|Error:|prisma/i);
  }
  // The owner too may start a flow (any member may); its provider is theirs.
  const owned = await start({ name: 'Owner App', githubUrl: github.url }, ownerKey);
  const page = await visit(await postManifest(owned.url, owned.manifest));
  expect(page.status).toBe(200);
  const row = await h.database.prisma.gitProvider.findFirstOrThrow({ where: { name: 'Owner App' }, include: { creator: true } });
  expect(row.creator?.email).toBe('owner@acme.test');
});
