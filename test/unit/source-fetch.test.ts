import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { fetchSource, SourceFetchError } from '../../src/deployments/source-fetch.js';
import { ForgeAddressNotAllowedError, ForgeMisconfiguredError } from '../../src/providers/errors.js';
import { AddressPolicy } from '../../src/providers/http/address-policy.js';
import { FakeForgeServer, type FakeRequest } from '../fakes/fake-server.js';
import { basicCredentials, gitAuthRequired, serveGit } from '../fakes/git/http-backend.js';
import { TestGitRepository } from '../fakes/git/repository.js';

const TOKEN = 'ghs_SourceFetchCanaryToken0123456789';
let repository: TestGitRepository;
let server: FakeForgeServer;
let elsewhere: FakeForgeServer;
let redirectNext = false;
/** Speak git's protocol v0, where a server refuses to send a commit asked for by sha alone. */
let protocolV0 = false;
const dirs: string[] = [];
const policy = new AddressPolicy('127.0.0.1');

const workdir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'source-fetch-'));
  dirs.push(dir);
  return path.join(dir, 'source');
};
const git = (dir: string, ...args: string[]) => execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8' }).trim();

beforeAll(async () => {
  repository = TestGitRepository.create('acme/web.git');
  repository.commit('main', { files: { 'README.md': 'first\n' }, message: 'first' });
  repository.commit('main', { files: { 'README.md': 'second\n', 'src/app.js': 'console.log(1)\n' }, message: 'second' });
  elsewhere = await new FakeForgeServer(() => ({ status: 404 })).start();
  server = await new FakeForgeServer((request: FakeRequest) => {
    if (redirectNext) return { status: 302, headers: { location: `${elsewhere.url}${request.url.pathname}${request.url.search}` } };
    const credentials = basicCredentials(request);
    if (credentials?.username !== 'x-access-token' || credentials.password !== TOKEN) return gitAuthRequired('GitHub');
    if (protocolV0) delete request.headers['git-protocol'];
    return serveGit(request, { projectRoot: repository.projectRoot, pathInfo: request.url.pathname });
  }).start();
});

afterAll(async () => {
  await server.stop();
  await elsewhere.stop();
  repository.remove();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const access = (password = TOKEN) => ({ cloneUrl: `${server.url}/acme/web.git`, username: 'x-access-token', password });

describe('fetchSource', () => {
  test('checks out exactly the commit asked for, not the branch head', async () => {
    const first = repository.resolve('main~1')!;
    const directory = workdir();
    const output: string[] = [];
    await fetchSource({ access: access(), sha: first, ref: 'main', directory, policy, timeoutMs: 20_000, onOutput: (text) => output.push(text) });
    expect(git(directory, 'rev-parse', 'HEAD')).toBe(first);
    expect(readFileSync(path.join(directory, 'README.md'), 'utf8')).toBe('first\n');
    expect(output.join('')).toContain(`Checked out ${first}`);
  });

  test('when the branch moved on and the forge will not serve the commit by sha alone, the branch is fetched whole', async () => {
    protocolV0 = true;
    try {
      const older = repository.resolve('main~1')!;
      const directory = workdir();
      const output: string[] = [];
      await fetchSource({ access: access(), sha: older, ref: 'main', directory, policy, timeoutMs: 20_000, onOutput: (text) => output.push(text) });
      expect(git(directory, 'rev-parse', 'HEAD')).toBe(older);
      expect(output.join('')).toContain('fetching main instead');
    } finally {
      protocolV0 = false;
    }
  });

  test('the credentials are in no argument, file, remote or output', async () => {
    const directory = workdir();
    const output: string[] = [];
    const processLists: string[] = [];
    server.setLatency(150);
    const sampling = setInterval(() => processLists.push(spawnSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).stdout), 20);
    try {
      await fetchSource({ access: access(), sha: repository.resolve('main')!, ref: 'main', directory, policy, timeoutMs: 20_000, onOutput: (text) => output.push(text) });
    } finally {
      clearInterval(sampling);
      server.setLatency(0);
    }
    const basic = Buffer.from(`x-access-token:${TOKEN}`).toString('base64');
    expect(processLists.some((list) => list.includes('git') && list.includes('fetch'))).toBe(true);
    for (const list of processLists) {
      expect(list).not.toContain(TOKEN);
      expect(list).not.toContain(basic);
    }
    const gitDir = path.join(directory, '.git');
    for (const needle of [TOKEN, basic]) {
      const found = spawnSync('grep', ['-rlF', '--binary-files=text', needle, directory], { encoding: 'utf8' });
      expect(found.status).toBe(1);
      expect(found.stdout).toBe('');
    }
    expect(readFileSync(path.join(gitDir, 'config'), 'utf8')).not.toMatch(/url|x-access-token|extraheader/i);
    expect(output.join('')).not.toContain(TOKEN);
  }, 30_000);

  test('a refused token fails the fetch with a typed error', async () => {
    await expect(
      fetchSource({ access: access('ghs_wrong'), sha: repository.resolve('main')!, ref: 'main', directory: workdir(), policy, timeoutMs: 20_000, onOutput: () => {} }),
    ).rejects.toBeInstanceOf(SourceFetchError);
  });

  test('a host outside the address policy is refused before git runs', async () => {
    await expect(
      fetchSource({ access: access(), sha: repository.resolve('main')!, ref: 'main', directory: workdir(), policy: new AddressPolicy(''), timeoutMs: 20_000, onOutput: () => {} }),
    ).rejects.toBeInstanceOf(ForgeAddressNotAllowedError);
  });

  test('a redirect to another host is not followed, so the credentials stay with the forge', async () => {
    redirectNext = true;
    elsewhere.reset();
    try {
      await expect(
        fetchSource({ access: access(), sha: repository.resolve('main')!, ref: 'main', directory: workdir(), policy, timeoutMs: 20_000, onOutput: () => {} }),
      ).rejects.toBeInstanceOf(SourceFetchError);
    } finally {
      redirectNext = false;
    }
    expect(elsewhere.requests.every((request) => request.headers.authorization === undefined)).toBe(true);
  });

  test('a clone URL carrying credentials or another scheme is refused', async () => {
    for (const cloneUrl of [`http://user:pass@127.0.0.1:1/acme/web.git`, 'ssh://git@127.0.0.1/acme/web.git', 'file:///etc']) {
      await expect(
        fetchSource({ access: { ...access(), cloneUrl }, sha: 'a'.repeat(40), ref: 'main', directory: workdir(), policy, timeoutMs: 5_000, onOutput: () => {} }),
      ).rejects.toBeInstanceOf(ForgeMisconfiguredError);
    }
  });

  test('a forge that stops answering runs into the time limit', async () => {
    server.hangNext(5, 10_000);
    const started = Date.now();
    await expect(
      fetchSource({ access: access(), sha: repository.resolve('main')!, ref: 'main', directory: workdir(), policy, timeoutMs: 1_500, onOutput: () => {} }),
    ).rejects.toThrow(/longer than/);
    expect(Date.now() - started).toBeLessThan(9_000);
    server.reset();
  }, 20_000);
});
