import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createBitbucketAdapter } from '../../src/providers/bitbucket/adapter.js';
import { ForgeAuthFailedError, ForgeError, ForgeMisconfiguredError, ForgeNotFoundError } from '../../src/providers/errors.js';
import type { BitbucketAdapterSettings } from '../../src/providers/settings.js';
import type { ForgeAdapter, WebhookRegistration } from '../../src/providers/types.js';
import { FakeBitbucket } from '../fakes/bitbucket/fake-bitbucket.js';
import type { TestGitRepository } from '../fakes/git/repository.js';
// TestGitRepository cannot delete a file in a bare repository yet; this helper commits a rename with plumbing that can.
import { expectSecretFreeFailure } from '../support/checkouts.js';
import { testForgeHttp } from '../support/forge-http.js';

// Canary secrets: unique per run, so a leak anywhere is unmistakable.
const canary = randomBytes(12).toString('hex');
const credentials = { email: 'dev@example.com', apiToken: `ATATT3x-hooks-canary-${canary}`, username: 'fake-dev', appPassword: `app-password-hooks-${canary}` };
const HOOK_SECRET = `bitbucket-hook-secret-${canary}`;
const secrets = [credentials.apiToken, credentials.appPassword, HOOK_SECRET, Buffer.from(`${credentials.email}:${credentials.apiToken}`).toString('base64'), canary];
const HOOK: WebhookRegistration = { url: 'https://deploy.example.com/api/bitbucket/webhook', secret: HOOK_SECRET, push: true, tags: true, pullRequests: true };
const PULL_REQUEST_EVENTS = ['pullrequest:created', 'pullrequest:updated', 'pullrequest:fulfilled', 'pullrequest:rejected'];
/** Every scope the operations here take. */
const ALL_SCOPES = ['read:repository:bitbucket', 'read:pullrequest:bitbucket', 'admin:repository:bitbucket', 'read:webhook:bitbucket', 'write:webhook:bitbucket', 'delete:webhook:bitbucket'];

const APP = 'acme/app'; // git data; the user owns the workspace, so is an admin of it
const TEAM = 'acme/team'; // the user may write, not administer

const fake = new FakeBitbucket(credentials);
const http = testForgeHttp();
let app: TestGitRepository;
/** acme/app main: root → edit → rename → big (600 files); side: from root, its own file. */
const commits = { root: '', edit: '', rename: '', big: '', side: '' };

function settings(overrides: Partial<BitbucketAdapterSettings> = {}): BitbucketAdapterSettings {
  return { type: 'BITBUCKET', apiUrl: fake.apiUrl, bitbucketUsername: null, bitbucketEmail: credentials.email, appPassword: null, apiToken: credentials.apiToken, bitbucketWorkspaceName: 'acme', ...overrides };
}

const adapter = (overrides: Partial<BitbucketAdapterSettings> = {}): ForgeAdapter => createBitbucketAdapter(settings(overrides), http);
const failure = <T extends ForgeError>(call: Promise<unknown>, type: abstract new (...args: never[]) => T) => expectSecretFreeFailure(call, type, secrets);
const sorted = (paths: string[]) => [...paths].sort();

async function recorded<T>(run: () => Promise<T>): Promise<{ result: T; lines: string[] }> {
  const before = fake.requests.length;
  const result = await run();
  return { result, lines: fake.requests.slice(before).map((r) => `${r.method} ${r.url.pathname}${r.url.search}`) };
}

beforeAll(async () => {
  await fake.start();
  fake.seed({ workspace: 'acme', repositories: 2, branchesPerRepo: 2, otherWorkspaces: ['partner'] });
  app = fake.addGitRepository(APP);
  commits.root = app.commit('main', { files: { 'README.md': '# app\n', 'src/a.ts': 'a\n', 'src/b.ts': 'b\n' }, message: 'Root' });
  commits.edit = app.commit('main', { files: { 'src/a.ts': 'a2\n', 'docs/guide.md': 'guide\n' }, message: 'Edit' });
  commits.rename = app.rename('main', 'src/b.ts', 'src/renamed-b.ts', 'Rename b');
  const big: Record<string, string> = {};
  for (let i = 0; i < 600; i++) big[`generated/file-${String(i).padStart(3, '0')}.txt`] = `${i}\n`;
  commits.big = app.commit('main', { files: big, message: 'Generate 600 files' });
  commits.side = app.commit('side', { files: { 'side.txt': 'side\n' }, message: 'Side' }, commits.root);
  fake.addGitRepository(TEAM, { permission: 'write' }).commit('main', { files: { 'x.txt': 'x\n' }, message: 'Only' });
});

beforeEach(() => {
  for (const request of fake.requests) for (const secret of secrets) expect(request.url.href.includes(secret)).toBe(false);
  fake.reset();
  fake.repositories.find((r) => `${r.workspace}/${r.slug}` === APP)!.permission = 'admin';
});

afterAll(async () => {
  await fake.stop();
  await http.close();
});

describe('Bitbucket changedFiles', () => {
  it('lists what a small push changed, through the diffstat of head..base', async () => {
    const { result, lines } = await recorded(() => adapter().changedFiles(APP, commits.root, commits.edit));
    expect(sorted(result)).toEqual(['docs/guide.md', 'src/a.ts']);
    expect(lines).toEqual([`GET /2.0/repositories/${APP}/diffstat/${commits.edit}..${commits.root}?topic=false`]);
  });

  it('counts both paths of a rename', async () => {
    expect(sorted(await adapter().changedFiles(APP, commits.edit, commits.rename))).toEqual(['src/b.ts', 'src/renamed-b.ts']);
  });

  it('reads every page (500 per page) by following next verbatim', async () => {
    fake.cursorNext = true;
    const { result, lines } = await recorded(() => adapter().changedFiles(APP, commits.rename, commits.big));
    expect(result).toHaveLength(600);
    expect(sorted(result)).toEqual(sorted(app.changedFiles(commits.rename, commits.big)));
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/[?&]page=2(&|$)/);
    expect(lines[1]).toMatch(/[?&]ctx=/);
  });

  it('covers a base many commits back, and a base that is no ancestor (a force push): the plain diff of the two', async () => {
    const long = await adapter().changedFiles(APP, commits.root, commits.big);
    expect(long).toHaveLength(604);
    const forced = await adapter().changedFiles(APP, commits.side, commits.edit);
    expect(sorted(forced)).toEqual(sorted(app.changedFiles(commits.side, commits.edit)));
    expect(forced).toContain('side.txt');
  });

  it('an unknown commit or repository is ForgeNotFoundError; something that is no sha is not sent', async () => {
    const unknown = await failure(adapter().changedFiles(APP, 'f'.repeat(40), commits.edit), ForgeNotFoundError);
    expect(unknown.message).toContain('ffffffffffff');
    await failure(adapter().changedFiles(APP, commits.root, 'e'.repeat(40)), ForgeNotFoundError);
    await failure(adapter().changedFiles('acme/nope', commits.root, commits.edit), ForgeNotFoundError);
    const { lines } = await recorded(() => failure(adapter().changedFiles(APP, 'main..x', commits.edit), ForgeNotFoundError));
    expect(lines).toEqual([]);
  });

  it('an API token without read:repository is an auth failure', async () => {
    fake.apiTokenScopes = ALL_SCOPES.filter((s) => s !== 'read:repository:bitbucket');
    const error = await failure(adapter().changedFiles(APP, commits.root, commits.edit), ForgeAuthFailedError);
    expect(error.message).toContain('privilege scopes');
  });
});

describe('Bitbucket isTrustedAuthor', () => {
  it('asks for the author’s effective permission by uuid; write and admin may push', async () => {
    const writer = fake.addRepositoryMember(APP, 'writer', 'write');
    const admin = fake.addRepositoryMember(APP, 'boss', 'admin');
    const reader = fake.addRepositoryMember(APP, 'reader', 'read');
    const bb = adapter();
    const { result, lines } = await recorded(() => bb.isTrustedAuthor(APP, { login: 'writer', id: writer.uuid }));
    expect(result).toBe(true);
    expect(lines).toEqual([`GET /2.0/workspaces/acme/permissions/repositories/app?q=${encodeURIComponent(`user.uuid = "${writer.uuid}"`)}`]);
    expect(await bb.isTrustedAuthor(APP, { login: 'boss', id: admin.uuid })).toBe(true);
    expect(await bb.isTrustedAuthor(APP, { login: 'fake-dev', id: fake.user.uuid })).toBe(true);
    expect(await bb.isTrustedAuthor(APP, { login: 'reader', id: reader.uuid })).toBe(false);
    expect(await bb.isTrustedAuthor(APP, { login: 'stranger', id: `{${randomUUID()}}` })).toBe(false);
  });

  it('takes the uuid without braces, or an Atlassian account id', async () => {
    const writer = fake.addRepositoryMember(APP, 'writer', 'write');
    expect(await adapter().isTrustedAuthor(APP, { login: null, id: writer.uuid.slice(1, -1) })).toBe(true);
    expect(await adapter().isTrustedAuthor(APP, { login: null, id: writer.accountId })).toBe(true);
  });

  it('an author without an id is not trusted and not looked up', async () => {
    const { result, lines } = await recorded(() => adapter().isTrustedAuthor(APP, { login: 'writer', id: null }));
    expect(result).toBe(false);
    expect(lines).toEqual([]);
  });

  it('credentials that cannot read permissions (no repository admin, or no admin scope) trust nobody', async () => {
    const member = fake.addRepositoryMember(TEAM, 'writer', 'write');
    expect(await adapter().isTrustedAuthor(TEAM, { login: 'writer', id: member.uuid })).toBe(false);
    const writer = fake.addRepositoryMember(APP, 'writer', 'write');
    fake.apiTokenScopes = ALL_SCOPES.filter((s) => s !== 'admin:repository:bitbucket');
    expect(await adapter().isTrustedAuthor(APP, { login: 'writer', id: writer.uuid })).toBe(false);
    expect(await adapter().isTrustedAuthor('acme/nope', { login: 'writer', id: writer.uuid })).toBe(false);
  });

  it('rejected credentials are an auth failure, not "untrusted"', async () => {
    fake.apiTokensExpired = true;
    await failure(adapter().isTrustedAuthor(APP, { login: 'fake-dev', id: fake.user.uuid }), ForgeAuthFailedError);
  });
});

describe('Bitbucket createWebhook', () => {
  it('registers the hook with the secret for pushes (tags included) and pull requests, answering its uuid', async () => {
    const { result: uuid, lines } = await recorded(() => adapter().createWebhook(APP, HOOK));
    expect(lines).toEqual([`POST /2.0/repositories/${APP}/hooks`]);
    const [hook] = fake.hooksOf(APP);
    expect(hook).toMatchObject({ url: HOOK.url, secret: HOOK_SECRET, active: true, events: ['repo:push', ...PULL_REQUEST_EVENTS] });
    expect(uuid).toBe(hook!.uuid);
    expect(uuid).toMatch(/^\{[0-9a-f-]{36}\}$/);
  });

  it('subscribes to what was asked for only', async () => {
    await adapter().createWebhook(APP, { ...HOOK, pullRequests: false });
    await adapter().createWebhook(APP, { ...HOOK, push: false, tags: false });
    expect(fake.hooksOf(APP).map((h) => h.events)).toEqual([['repo:push'], PULL_REQUEST_EVENTS]);
    const { lines } = await recorded(() => failure(adapter().createWebhook(APP, { ...HOOK, push: false, tags: false, pullRequests: false }), ForgeMisconfiguredError));
    expect(lines).toEqual([]);
  });

  it('the secret is never shown again: the hook says secret_set', async () => {
    await adapter().createWebhook(APP, HOOK);
    const listed = await fetch(`${fake.apiUrl}/repositories/${APP}/hooks`, { headers: { authorization: `Basic ${secrets[3]}` } }).then((r) => r.text());
    expect(listed.includes(HOOK_SECRET)).toBe(false);
    expect(JSON.parse(listed).values[0]).toMatchObject({ url: HOOK.url, secret_set: true, subject_type: 'repository' });
  });

  it('without admin permission on the repository: ForgeAuthFailedError that says what it takes, and no hook', async () => {
    const error = await failure(adapter().createWebhook(TEAM, HOOK), ForgeAuthFailedError);
    expect(error.message).toContain('admin permission');
    expect(error.message).toContain(TEAM);
    expect(fake.hooksOf(TEAM)).toEqual([]);
  });

  it('an API token without the webhook scopes, or the pull request scope its events need: ForgeAuthFailedError', async () => {
    fake.apiTokenScopes = ALL_SCOPES.filter((s) => s !== 'write:webhook:bitbucket');
    const noWebhook = await failure(adapter().createWebhook(APP, HOOK), ForgeAuthFailedError);
    expect(noWebhook.message).toContain('write:webhook:bitbucket');
    fake.apiTokenScopes = ALL_SCOPES.filter((s) => s !== 'read:pullrequest:bitbucket');
    await failure(adapter().createWebhook(APP, HOOK), ForgeAuthFailedError);
    expect(await adapter().createWebhook(APP, { ...HOOK, pullRequests: false })).toMatch(/^\{/);
    expect(fake.hooksOf(APP)).toHaveLength(1);
  });

  it('a URL Bitbucket refuses (an internal address) or a secret too long is ForgeMisconfiguredError', async () => {
    await failure(adapter().createWebhook(APP, { ...HOOK, url: 'http://127.0.0.1:8080/hook' }), ForgeMisconfiguredError);
    await failure(adapter().createWebhook(APP, { ...HOOK, secret: `${HOOK_SECRET}${'x'.repeat(128)}` }), ForgeMisconfiguredError);
    expect(fake.hooksOf(APP)).toEqual([]);
  });

  it('an unknown repository is ForgeNotFoundError; rejected credentials an auth failure', async () => {
    await failure(adapter().createWebhook('acme/nope', HOOK), ForgeNotFoundError);
    await failure(adapter().createWebhook('partner/hidden', HOOK), ForgeNotFoundError);
    fake.apiTokensExpired = true;
    await failure(adapter().createWebhook(APP, HOOK), ForgeAuthFailedError);
  });
});

describe('Bitbucket deleteWebhook', () => {
  it('removes the hook, and a hook already gone is fine', async () => {
    const bb = adapter();
    const uuid = await bb.createWebhook(APP, HOOK);
    const other = await bb.createWebhook(APP, { ...HOOK, pullRequests: false });
    const { lines } = await recorded(() => bb.deleteWebhook(APP, uuid));
    expect(lines).toEqual([`DELETE /2.0/repositories/${APP}/hooks/${encodeURIComponent(uuid)}`]);
    expect(fake.hooksOf(APP).map((h) => h.uuid)).toEqual([other]);
    await bb.deleteWebhook(APP, uuid);
    expect(fake.hooksOf(APP)).toHaveLength(1);
  });

  it('without admin permission or the delete:webhook scope: ForgeAuthFailedError, and the hook stays', async () => {
    const uuid = await adapter().createWebhook(APP, HOOK);
    fake.apiTokenScopes = ALL_SCOPES.filter((s) => s !== 'delete:webhook:bitbucket');
    await failure(adapter().deleteWebhook(APP, uuid), ForgeAuthFailedError);
    fake.apiTokenScopes = null;
    fake.repositories.find((r) => `${r.workspace}/${r.slug}` === APP)!.permission = 'write';
    const error = await failure(adapter().deleteWebhook(APP, uuid), ForgeAuthFailedError);
    expect(error.message).toContain('admin permission');
    expect(fake.hooksOf(APP)).toHaveLength(1);
  });

  it('rejected credentials are an auth failure, never "already gone"', async () => {
    const uuid = await adapter().createWebhook(APP, HOOK);
    fake.apiTokensExpired = true;
    await failure(adapter().deleteWebhook(APP, uuid), ForgeAuthFailedError);
    expect(fake.hooksOf(APP)).toHaveLength(1);
  });

  it('an id that is no webhook uuid is ForgeNotFoundError, without a request', async () => {
    const { lines } = await recorded(() => failure(adapter().deleteWebhook(APP, '42'), ForgeNotFoundError));
    expect(lines).toEqual([]);
  });
});
