import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ForgeAuthFailedError, ForgeError, ForgeMisconfiguredError, ForgeNotFoundError } from '../../src/providers/errors.js';
import { createGiteaAdapter } from '../../src/providers/gitea/adapter.js';
import type { ForgeHttp } from '../../src/providers/http/forge-http.js';
import { staticTokenSource } from '../../src/providers/settings.js';
import type { ForgeAdapter, WebhookRegistration } from '../../src/providers/types.js';
import type { FakeRequest } from '../fakes/fake-server.js';
import type { TestGitRepository } from '../fakes/git/repository.js';
import { FakeGitea } from '../fakes/gitea/fake-gitea.js';
import { expectSecretFreeFailure } from '../support/checkouts.js';
import { testForgeHttp } from '../support/forge-http.js';

// Canary secrets: the tokens and the webhook secret must never show up in an error or a URL.
const TOKEN = `gitea-hooks-canary-${randomUUID()}`;
const EXPIRED_TOKEN = `gitea-hooks-expired-${randomUUID()}`;
const HOOK_SECRET = `gitea-hook-secret-${randomUUID()}`;
const SECRETS = [TOKEN, EXPIRED_TOKEN, HOOK_SECRET];

const BOT = 'forgegraph-bot';
const APP = 'acme/app'; // private, real git data; the bot is in acme's Owners team
const LIMITED = 'acme/limited'; // the bot has write access only
const SITE = `${BOT}/site`; // public, owned by the bot
const HOOK: WebhookRegistration = { url: 'https://deploy.example.com/api/gitea/webhook', secret: HOOK_SECRET, push: true, tags: true, pullRequests: true };

let fake: FakeGitea;
let http: ForgeHttp;
let app: TestGitRepository;
/** acme/app history: root → edit → (rename) → big; see beforeAll. */
const commits = { root: '', edit: '', rename: '', big: '', longBase: '', longHead: '' };

function adapter(accessToken = TOKEN): ForgeAdapter {
  return createGiteaAdapter({ type: 'GITEA', giteaUrl: fake.url, giteaInternalUrl: null, tokens: staticTokenSource(accessToken) }, http);
}

async function recorded<T>(run: () => Promise<T>): Promise<{ result: T; lines: string[] }> {
  const before = fake.requests.length;
  const result = await run();
  return { result, lines: fake.requests.slice(before).map((r: FakeRequest) => `${r.method} ${r.url.pathname}${r.url.search}`) };
}

const failure = <E extends ForgeError>(promise: Promise<unknown>, type: abstract new (...args: never[]) => E) => expectSecretFreeFailure(promise, type, SECRETS);
const sorted = (paths: string[]) => [...paths].sort();

beforeAll(async () => {
  fake = await new FakeGitea({ seed: { repositories: 6 }, tokens: [TOKEN, EXPIRED_TOKEN] }).start();
  http = testForgeHttp();
  app = fake.addGitRepository(APP, { isPrivate: true });
  commits.root = app.commit('main', { files: { 'README.md': '# app\n', 'src/a.ts': 'a\n', 'src/b.ts': 'b\n' }, message: 'Root' });
  commits.edit = app.commit('main', { files: { 'src/a.ts': 'a2\n', 'docs/guide.md': 'guide\n' }, message: 'Edit' });
  commits.rename = app.rename('main', 'src/b.ts', 'src/renamed-b.ts', 'Rename b');
  const big: Record<string, string> = {};
  for (let i = 0; i < 350; i++) big[`generated/file-${String(i).padStart(3, '0')}.txt`] = `${i}\n`;
  commits.big = app.commit('main', { files: big, message: 'Generate 350 files' });
  // 60 commits on a branch, more than one page (50) of GET …/commits.
  commits.longBase = commits.big;
  let head = '';
  for (let i = 0; i < 60; i++) head = app.commit('feature/long', { files: { [`long/step-${i}.txt`]: `${i}\n` }, message: `Step ${i}` }, commits.big);
  commits.longHead = head;
  const limited = fake.addGitRepository(LIMITED, { isPrivate: true });
  limited.commit('main', { files: { 'x.txt': 'x\n' }, message: 'Only' });
  fake.setAccess(LIMITED, BOT, 'write');
  fake.addGitRepository(SITE, { isPrivate: false }).commit('main', { files: { 'index.html': 'hi\n' }, message: 'Site' });
});

afterEach(() => {
  for (const request of fake.requests) for (const secret of SECRETS) expect(request.url.href.includes(secret)).toBe(false);
  fake.reset();
});

afterAll(async () => {
  await fake.stop();
  await http.close();
});

describe('Gitea changedFiles', () => {
  it('lists what a small push changed, with one compare request', async () => {
    const { result, lines } = await recorded(() => adapter().changedFiles(APP, commits.root, commits.edit));
    expect(sorted(result)).toEqual(['docs/guide.md', 'src/a.ts']);
    expect(sorted(result)).toEqual(sorted(app.changedFiles(commits.root, commits.edit)));
    expect(lines).toEqual([`GET /api/v1/repos/${APP}/compare/${commits.root}...${commits.edit}`]);
  });

  it('counts both paths of a rename', async () => {
    const result = await adapter().changedFiles(APP, commits.edit, commits.rename);
    expect(sorted(result)).toEqual(['src/b.ts', 'src/renamed-b.ts']);
  });

  it('covers a push whose base is many commits back, and a commit of 350 files', async () => {
    const result = await adapter().changedFiles(APP, commits.root, commits.big);
    // git diff reports the rename under its new path only; the forge's answer has both.
    const expected = new Set([...app.changedFiles(commits.root, commits.big), 'src/b.ts']);
    expect(result).toHaveLength(354);
    expect(sorted(result)).toEqual(sorted([...expected]));
  });

  it('on Gitea 1.22, which compares no commit ids, reads every page of the commit listing instead', async () => {
    fake.compareAcceptsCommitIds = false;
    const { result, lines } = await recorded(() => adapter().changedFiles(APP, commits.longBase, commits.longHead));
    expect(result).toHaveLength(60);
    expect(sorted(result)).toEqual(sorted(app.changedFiles(commits.longBase, commits.longHead)));
    const listing = (page: number) =>
      `GET /api/v1/repos/${APP}/commits?sha=${commits.longHead}&not=${commits.longBase}&stat=false&verification=false&files=true&page=${page}&limit=50`;
    expect(lines).toEqual([`GET /api/v1/repos/${APP}/compare/${commits.longBase}...${commits.longHead}`, listing(1), listing(2)]);
  });

  it('the compare API of Gitea 1.23+ answers the same long push in one request', async () => {
    const { result, lines } = await recorded(() => adapter().changedFiles(APP, commits.longBase, commits.longHead));
    expect(sorted(result)).toEqual(sorted(app.changedFiles(commits.longBase, commits.longHead)));
    expect(lines).toHaveLength(1);
  });

  it('an unknown commit is ForgeNotFoundError, on either Gitea', async () => {
    const unknown = 'f'.repeat(40);
    const newer = await failure(adapter().changedFiles(APP, unknown, commits.edit), ForgeNotFoundError);
    expect(newer.message).toContain(unknown.slice(0, 12));
    await failure(adapter().changedFiles(APP, commits.root, unknown), ForgeNotFoundError);
    fake.compareAcceptsCommitIds = false;
    await failure(adapter().changedFiles(APP, unknown, commits.edit), ForgeNotFoundError);
    await failure(adapter().changedFiles(APP, commits.root, unknown), ForgeNotFoundError);
  });

  it('an unknown repository is ForgeNotFoundError; a name Gitea would refuse is not sent', async () => {
    await failure(adapter().changedFiles('acme/nope', commits.root, commits.edit), ForgeNotFoundError);
    const { lines } = await recorded(() => failure(adapter().changedFiles(APP, 'a..b', commits.edit), ForgeNotFoundError));
    expect(lines).toEqual([]);
  });

  it('an expired token on a private repository is an auth failure, not a missing repository', async () => {
    fake.expireToken(EXPIRED_TOKEN);
    await failure(adapter(EXPIRED_TOKEN).changedFiles(APP, commits.root, commits.edit), ForgeAuthFailedError);
  });
});

describe('Gitea isTrustedAuthor', () => {
  it('the repository owner is trusted without asking', async () => {
    const { result, lines } = await recorded(() => adapter().isTrustedAuthor(SITE, { login: BOT, id: '1' }));
    expect(result).toBe(true);
    expect(lines).toEqual([]);
  });

  it('collaborators with write access and organization members are trusted; read-only collaborators and strangers are not', async () => {
    fake.addCollaborator(APP, 'writer', 'write');
    fake.addCollaborator(APP, 'reader', 'read');
    fake.addUser('teammate');
    fake.data.accounts.find((a) => a.login === 'acme')!.members.push('teammate');
    const gitea = adapter();
    const { result, lines } = await recorded(() => gitea.isTrustedAuthor(APP, { login: 'writer', id: null }));
    expect(result).toBe(true);
    expect(lines).toEqual([`GET /api/v1/repos/${APP}/collaborators/writer/permission`]);
    expect(await gitea.isTrustedAuthor(APP, { login: 'teammate', id: null })).toBe(true);
    expect(await gitea.isTrustedAuthor(APP, { login: 'reader', id: null })).toBe(false);
    expect(await gitea.isTrustedAuthor(APP, { login: 'stranger', id: '4' })).toBe(false);
    expect(await gitea.isTrustedAuthor(APP, { login: 'nobody-here', id: null })).toBe(false);
  });

  it('without admin access to read permissions, explicit collaborators are trusted and nobody else', async () => {
    fake.addCollaborator(LIMITED, 'helper', 'write');
    const gitea = adapter();
    const { result, lines } = await recorded(() => gitea.isTrustedAuthor(LIMITED, { login: 'helper', id: null }));
    expect(result).toBe(true);
    expect(lines).toEqual([`GET /api/v1/repos/${LIMITED}/collaborators/helper/permission`, `GET /api/v1/repos/${LIMITED}/collaborators/helper`]);
    expect(await gitea.isTrustedAuthor(LIMITED, { login: 'stranger', id: null })).toBe(false);
    expect(await gitea.isTrustedAuthor(LIMITED, { login: 'nobody-here', id: null })).toBe(false);
  });

  it('an author without a login, or with one Gitea could not have, is not trusted and not looked up', async () => {
    const { result, lines } = await recorded(async () => [
      await adapter().isTrustedAuthor(APP, { login: null, id: '7' }),
      await adapter().isTrustedAuthor(APP, { login: '../../user', id: null }),
    ]);
    expect(result).toEqual([false, false]);
    expect(lines).toEqual([]);
  });

  it('a repository Gitea does not show trusts nobody; an expired token is an auth failure', async () => {
    expect(await adapter().isTrustedAuthor('acme/nope', { login: 'writer', id: null })).toBe(false);
    fake.expireToken(EXPIRED_TOKEN);
    await failure(adapter(EXPIRED_TOKEN).isTrustedAuthor(APP, { login: 'writer', id: null }), ForgeAuthFailedError);
  });

  it('a token without the read:repository scope is an auth failure, not "untrusted"', async () => {
    fake.setTokenScopes(TOKEN, ['read:user']);
    const error = await failure(adapter().isTrustedAuthor(APP, { login: 'writer', id: null }), ForgeAuthFailedError);
    expect(error.message).toContain('read:repository');
  });
});

describe('Gitea createWebhook', () => {
  it('registers a JSON "gitea" hook with the secret, for pushes (tags included) and pull requests', async () => {
    const { result: id, lines } = await recorded(() => adapter().createWebhook(APP, HOOK));
    expect(lines).toEqual([`POST /api/v1/repos/${APP}/hooks`]);
    const [hook] = fake.hooks(APP);
    expect(hook).toMatchObject({ type: 'gitea', url: HOOK.url, contentType: 'json', secret: HOOK_SECRET, active: true, requestedEvents: ['push', 'pull_request'] });
    expect(id).toBe(String(hook!.id));
    expect(hook!.events).toEqual(expect.arrayContaining(['push', 'pull_request', 'pull_request_sync']));
    expect(hook!.events).not.toContain('create');
  });

  it('subscribes to what was asked for only', async () => {
    await adapter().createWebhook(APP, { ...HOOK, pullRequests: false });
    await adapter().createWebhook(APP, { ...HOOK, push: false, tags: false });
    expect(fake.hooks(APP).map((h) => h.requestedEvents)).toEqual([['push'], ['pull_request']]);
    const { lines } = await recorded(() => failure(adapter().createWebhook(APP, { ...HOOK, push: false, tags: false, pullRequests: false }), ForgeMisconfiguredError));
    expect(lines).toEqual([]);
  });

  it('without admin access to the repository: ForgeAuthFailedError that says so, and no hook', async () => {
    const error = await failure(adapter().createWebhook(LIMITED, HOOK), ForgeAuthFailedError);
    expect(error.message).toContain('admin access');
    expect(error.message).toContain(LIMITED);
    expect(fake.hooks(LIMITED)).toEqual([]);
  });

  it('without the write:repository scope: ForgeAuthFailedError naming it', async () => {
    fake.setTokenScopes(TOKEN, ['read:repository', 'read:user']);
    const error = await failure(adapter().createWebhook(APP, HOOK), ForgeAuthFailedError);
    expect(error.message).toContain('write:repository');
    expect(fake.hooks(APP)).toEqual([]);
  });

  it('an unknown repository is ForgeNotFoundError; an expired token an auth failure', async () => {
    await failure(adapter().createWebhook('acme/nope', HOOK), ForgeNotFoundError);
    fake.expireToken(EXPIRED_TOKEN);
    await failure(adapter(EXPIRED_TOKEN).createWebhook(APP, HOOK), ForgeAuthFailedError);
  });

  it('a URL Gitea refuses is ForgeMisconfiguredError', async () => {
    await failure(adapter().createWebhook(APP, { ...HOOK, url: 'ftp://deploy.example.com/hook' }), ForgeMisconfiguredError);
    expect(fake.hooks(APP)).toEqual([]);
  });

  it('the fake never shows the secret and validates the body as Gitea does', async () => {
    await adapter().createWebhook(APP, HOOK);
    const headers = { authorization: `token ${TOKEN}`, 'content-type': 'application/json' };
    const listed = await fetch(`${fake.url}/api/v1/repos/${APP}/hooks`, { headers }).then((r) => r.text());
    expect(listed).toContain(HOOK.url);
    expect(listed.includes(HOOK_SECRET)).toBe(false);
    const post = (body: unknown) => fetch(`${fake.url}/api/v1/repos/${APP}/hooks`, { method: 'POST', headers, body: JSON.stringify(body) }).then(async (r) => [r.status, ((await r.json()) as { message: string }).message]);
    expect(await post({ config: { url: HOOK.url, content_type: 'json' } })).toEqual([422, '[Type]: Required']);
    expect(await post({ type: 'gitea', config: { content_type: 'json' } })).toEqual([422, 'Missing config option: url']);
    expect(await post({ type: 'gitea', config: { url: HOOK.url, content_type: 'xml' } })).toEqual([422, 'Invalid content type']);
    expect(await post({ type: 'jenkins', config: { url: HOOK.url, content_type: 'json' } })).toEqual([422, 'Invalid hook type: jenkins']);
  });
});

describe('Gitea deleteWebhook', () => {
  it('removes the hook, and a hook already gone is fine', async () => {
    const gitea = adapter();
    const id = await gitea.createWebhook(APP, HOOK);
    const other = await gitea.createWebhook(APP, { ...HOOK, pullRequests: false });
    const { lines } = await recorded(() => gitea.deleteWebhook(APP, id));
    expect(lines).toEqual([`DELETE /api/v1/repos/${APP}/hooks/${id}`]);
    expect(fake.hooks(APP).map((h) => String(h.id))).toEqual([other]);
    await gitea.deleteWebhook(APP, id);
    expect(fake.hooks(APP)).toHaveLength(1);
  });

  it('without admin access: ForgeAuthFailedError, and the hook stays', async () => {
    fake.setAccess(LIMITED, BOT, null);
    const id = await adapter().createWebhook(LIMITED, HOOK);
    fake.setAccess(LIMITED, BOT, 'write');
    const error = await failure(adapter().deleteWebhook(LIMITED, id), ForgeAuthFailedError);
    expect(error.message).toContain('admin access');
    expect(fake.hooks(LIMITED)).toHaveLength(1);
  });

  it('an expired token is an auth failure, never "already gone"', async () => {
    const id = await adapter().createWebhook(APP, HOOK);
    fake.expireToken(EXPIRED_TOKEN);
    await failure(adapter(EXPIRED_TOKEN).deleteWebhook(APP, id), ForgeAuthFailedError);
    expect(fake.hooks(APP)).toHaveLength(1);
  });

  it('an id that is not a Gitea hook id is ForgeNotFoundError, without a request', async () => {
    const { lines } = await recorded(() => failure(adapter().deleteWebhook(APP, '{5f8e-uuid}'), ForgeNotFoundError));
    expect(lines).toEqual([]);
  });
});
