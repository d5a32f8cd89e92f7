import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { createMutation, rsaPrivateKey, updateMutation, type Forge } from '../support/operations.js';

let h: Harness;
let key: string;

beforeAll(async () => {
  h = await startHarness();
  key = await h.apiKey('Acme', 'owner@acme.test');
});
afterAll(() => h.close());

async function providerCount() {
  return h.database.prisma.gitProvider.count();
}

/** A refused create answers a ValidationError naming the field, and stores nothing. */
async function expectRefused(forge: Forge, input: Record<string, unknown>, field: string, message?: RegExp) {
  const before = await providerCount();
  const res = await h.graphql(createMutation(forge), { input }, key);
  expect(res.errors).toBeUndefined();
  const payload = res.data[`create${forge}Provider`];
  expect(payload).toMatchObject({ __typename: 'ValidationError', code: 'VALIDATION_FAILED', field });
  if (message) expect(payload.message).toMatch(message);
  expect(await providerCount()).toBe(before);
}

/** Input the GraphQL scalars refuse before any resolver runs: a request error, nothing stored. */
async function expectRejectedByScalar(forge: Forge, input: Record<string, unknown>, field: string) {
  const before = await providerCount();
  const res = await h.graphql(createMutation(forge), { input }, key);
  expect(res.data ?? null).toBeNull();
  expect(res.errors?.[0]?.message).toContain(field);
  expect(await providerCount()).toBe(before);
}

describe('names', () => {
  test('an empty or blank name is refused', async () => {
    await expectRejectedByScalar('GitLab', { name: '' }, 'name');
    await expectRejectedByScalar('GitLab', { name: '   ' }, 'name');
  });
  test('a name over 100 characters is refused', async () => {
    await expectRefused('GitLab', { name: 'x'.repeat(101) }, 'name', /100/);
  });
});

describe('URLs', () => {
  test('must be absolute', async () => {
    await expectRejectedByScalar('GitLab', { name: 'n', gitlabUrl: 'gitlab.example.com' }, 'gitlabUrl');
  });
  test('must be http or https', async () => {
    await expectRefused('GitLab', { name: 'n', gitlabUrl: 'ftp://gitlab.example.com' }, 'gitlabUrl', /http/);
    await expectRefused('Gitea', { name: 'n', giteaUrl: 'file:///etc/passwd' }, 'giteaUrl', /http/);
  });
  test('must not carry credentials', async () => {
    await expectRefused('Gitea', { name: 'n', giteaUrl: 'https://user:pass@gitea.example.com' }, 'giteaUrl', /credentials/);
    await expectRefused('GitHub', { name: 'n', githubUrl: 'https://token@github.example.com' }, 'githubUrl', /credentials/);
    await expectRefused('GitLab', { name: 'n', gitlabInternalUrl: 'http://u:p@gitlab.internal' }, 'gitlabInternalUrl', /credentials/);
  });
  test('giteaUrl is required', async () => {
    await expectRejectedByScalar('Gitea', { name: 'n' }, 'giteaUrl');
  });
});

describe('GitHub', () => {
  test('githubAppId must be a positive integer', async () => {
    await expectRefused('GitHub', { name: 'n', githubAppId: 0 }, 'githubAppId', /positive/);
    await expectRefused('GitHub', { name: 'n', githubAppId: -5 }, 'githubAppId', /positive/);
    await expectRejectedByScalar('GitHub', { name: 'n', githubAppId: 1.5 }, 'githubAppId');
    await expectRejectedByScalar('GitHub', { name: 'n', githubAppId: '12' }, 'githubAppId');
  });
  test('githubPrivateKey must parse as a PEM RSA private key', async () => {
    await expectRefused('GitHub', { name: 'n', githubPrivateKey: 'not a key' }, 'githubPrivateKey', /PEM/);
    await expectRefused(
      'GitHub',
      { name: 'n', githubPrivateKey: '-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA...\n-----END RSA PRIVATE KEY-----' },
      'githubPrivateKey',
    );
  });
  test('githubInstallationId must be numeric', async () => {
    await expectRefused('GitHub', { name: 'n', githubInstallationId: 'abc' }, 'githubInstallationId');
  });
  test('a valid key is accepted', async () => {
    const res = await h.graphql(createMutation('GitHub'), { input: { name: 'ok', githubAppId: 1, githubPrivateKey: rsaPrivateKey() } }, key);
    expect(res.data.createGitHubProvider.__typename).toBe('CreateGitHubProviderSuccess');
  });
});

describe('Bitbucket credentials', () => {
  test('apiToken needs bitbucketEmail', async () => {
    await expectRefused('Bitbucket', { name: 'n', apiToken: 't', bitbucketUsername: 'u' }, 'bitbucketEmail', /email/i);
  });
  test('appPassword needs bitbucketUsername', async () => {
    await expectRefused('Bitbucket', { name: 'n', appPassword: 'p', bitbucketEmail: 'a@b.test' }, 'bitbucketUsername');
  });
  test('one of the two pairs is required', async () => {
    await expectRefused('Bitbucket', { name: 'n', bitbucketEmail: 'a@b.test', bitbucketUsername: 'u' }, 'apiToken');
  });
  test('an invalid email is refused', async () => {
    await expectRejectedByScalar('Bitbucket', { name: 'n', apiToken: 't', bitbucketEmail: 'not-an-email' }, 'bitbucketEmail');
  });
  test('an update may not leave the provider without a credential pair', async () => {
    const created = await h.graphql(createMutation('Bitbucket'), { input: { name: 'bb', apiToken: 't', bitbucketEmail: 'a@b.test' } }, key);
    const id = created.data.createBitbucketProvider.gitProvider.id;
    const res = await h.graphql(updateMutation('Bitbucket'), { input: { id, apiToken: null } }, key);
    expect(res.data.updateBitbucketProvider).toMatchObject({ __typename: 'ValidationError', field: 'apiToken' });
    const cleared = await h.graphql(updateMutation('Bitbucket'), { input: { id, bitbucketEmail: null } }, key);
    expect(cleared.data.updateBitbucketProvider).toMatchObject({ __typename: 'ValidationError', field: 'bitbucketEmail' });
    expect(await h.database.prisma.gitProviderSecret.count({ where: { field: 'apiToken' } })).toBeGreaterThan(0);
  });
});

describe('Gitea scopes', () => {
  test('must be a comma-separated list', async () => {
    await expectRefused('Gitea', { name: 'n', giteaUrl: 'https://g.example', scopes: 'repo, read:user' }, 'scopes');
  });
});

describe('sizes', () => {
  test('a secret over 16 KiB is refused with the field named', async () => {
    await expectRefused('GitLab', { name: 'n', accessToken: 'a'.repeat(17 * 1024) }, 'accessToken', /16384/);
  });
  test('a 10 MB string is refused before it is parsed, and nothing is stored', async () => {
    const before = await providerCount();
    const response = await h.yoga.fetch('http://forgegraph.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: JSON.stringify({ query: createMutation('GitLab'), variables: { input: { name: 'n', secret: 'x'.repeat(10 * 1024 * 1024) } } }),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ errors: [{ extensions: { code: 'PAYLOAD_TOO_LARGE' } }] });
    expect(await providerCount()).toBe(before);
  });
});

describe('over a real socket', () => {
  async function post(headers: Record<string, string>, chunks: string[]) {
    const server = createServer(h.yoga);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      return await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path: '/graphql', method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key, ...headers } }, (res) => {
          let body = '';
          res.on('data', (chunk) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode!, body }));
        });
        req.on('error', reject);
        for (const chunk of chunks) req.write(chunk);
        req.end();
      });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }

  test('a chunked body of undeclared length is refused with 411 and nothing is stored', async () => {
    const before = await providerCount();
    const body = JSON.stringify({ query: createMutation('GitLab'), variables: { input: { name: 'chunked' } } });
    const res = await post({ 'transfer-encoding': 'chunked' }, [body.slice(0, 10), body.slice(10)]);
    expect(res.status).toBe(411);
    expect(JSON.parse(res.body)).toMatchObject({ errors: [{ extensions: { code: 'LENGTH_REQUIRED' } }] });
    expect(await providerCount()).toBe(before);
  });

  test('a declared length over the limit is refused with 413', async () => {
    const body = JSON.stringify({ query: createMutation('GitLab'), variables: { input: { name: 'n', secret: 'x'.repeat(2 * 1024 * 1024) } } });
    const res = await post({ 'content-length': String(Buffer.byteLength(body)) }, [body]);
    expect(res.status).toBe(413);
  });

  test('an ordinary request works', async () => {
    const body = JSON.stringify({ query: '{ viewer { role } }' });
    const res = await post({ 'content-length': String(Buffer.byteLength(body)) }, [body]);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ data: { viewer: { role: 'OWNER' } } });
  });
});

describe('updates', () => {
  test('name cannot be cleared, giteaUrl cannot be cleared; nothing changes', async () => {
    const created = await h.graphql(createMutation('Gitea'), { input: { name: 'keep', giteaUrl: 'https://g.example' } }, key);
    const id = created.data.createGiteaProvider.gitProvider.id;
    const res = await h.graphql(updateMutation('Gitea'), { input: { id, name: null } }, key);
    expect(res.data.updateGiteaProvider).toMatchObject({ __typename: 'ValidationError', field: 'name' });
    const url = await h.graphql(updateMutation('Gitea'), { input: { id, giteaUrl: null, name: 'changed' } }, key);
    expect(url.data.updateGiteaProvider).toMatchObject({ __typename: 'ValidationError', field: 'giteaUrl' });
    const row = await h.database.prisma.gitProvider.findFirstOrThrow({ where: { name: 'keep' }, include: { gitea: true } });
    expect(row.gitea?.giteaUrl).toBe('https://g.example');
  });
});
