import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { readProviderSecret } from '../../src/resolvers/git-providers.js';
import { startHarness, type Harness } from '../support/harness.js';
import { createMutation, GET, LIST, NODE, rsaPrivateKey, updateMutation, type Forge } from '../support/operations.js';

/**
 * Every secret gets a unique, greppable value. After a tour of the API (success, validation failures,
 * malformed requests) none may appear in a response, an error, a log line or the database.
 */
let h: Harness;
let key: string;
const canaries: string[] = [];
const responses: string[] = [];

function canary(label: string) {
  const value = `canary-${label}-${randomBytes(8).toString('hex')}`;
  canaries.push(value);
  return value;
}

async function call(query: string, variables: Record<string, unknown>) {
  const res = await h.graphql(query, variables, key);
  responses.push(res.text);
  return res;
}

beforeAll(async () => {
  h = await startHarness();
  key = await h.apiKey('Acme', 'owner@acme.test');
});
afterAll(() => h.close());

test('no secret leaves through the API, the logs or the database', async () => {
  const privateKey = rsaPrivateKey();
  // The PEM body itself is the secret: take a distinctive slice of it as its canary.
  canaries.push(privateKey.split('\n')[5]!);
  const inputs: [Forge, Record<string, unknown>][] = [
    ['GitHub', { name: 'gh', githubAppId: 1, githubClientSecret: canary('gh-client'), githubPrivateKey: privateKey, githubWebhookSecret: canary('gh-hook') }],
    ['GitLab', { name: 'gl', secret: canary('gl-secret'), accessToken: canary('gl-access'), refreshToken: canary('gl-refresh') }],
    ['Bitbucket', { name: 'bb', bitbucketEmail: 'a@b.test', bitbucketUsername: 'u', apiToken: canary('bb-token'), appPassword: canary('bb-app') }],
    ['Gitea', { name: 'gt', giteaUrl: 'https://g.example', clientSecret: canary('gt-client'), accessToken: canary('gt-access'), refreshToken: canary('gt-refresh') }],
  ];
  const ids: string[] = [];
  for (const [forge, input] of inputs) {
    const res = await call(createMutation(forge), { input });
    expect(res.data[`create${forge}Provider`].__typename).toBe(`Create${forge}ProviderSuccess`);
    ids.push(res.data[`create${forge}Provider`].gitProvider.id);
  }

  // Reads of every kind.
  await call(LIST, { first: 100 });
  for (const id of ids) {
    await call(GET, { id });
    await call(NODE, { id });
  }
  // Updates that succeed, rotate a secret, and fail validation while carrying secrets.
  await call(updateMutation('GitLab'), { input: { id: ids[1], accessToken: canary('gl-rotated') } });
  await call(updateMutation('GitHub'), { input: { id: ids[0], githubPrivateKey: `-----BEGIN RSA PRIVATE KEY-----\n${canary('bad-pem')}\n-----END RSA PRIVATE KEY-----` } });
  await call(updateMutation('GitLab'), { input: { id: ids[1], secret: `${canary('too-long')}${'x'.repeat(20_000)}` } });
  await call(createMutation('Bitbucket'), { input: { name: 'bad', apiToken: canary('bb-no-email') } });
  await call(createMutation('GitLab'), { input: { name: '', secret: canary('with-bad-name') } });
  await call(createMutation('GitHub'), { input: { name: 'wrong field', secret: canary('unknown-field') } });
  await call(updateMutation('Gitea'), { input: { id: 'bm9wZQ==', clientSecret: canary('not-found') } });
  // An unauthenticated attempt with a secret in it.
  responses.push((await h.graphql(createMutation('GitLab'), { input: { name: 'anon', secret: canary('anonymous') } }, null)).text);

  // The secrets are really stored: the service can open them server-side.
  const glId = Buffer.from(ids[1]!, 'base64').toString().split(':')[1]!;
  expect(await readProviderSecret({ db: h.database.prisma, secrets: h.secrets }, glId, 'accessToken')).toMatch(/^canary-gl-rotated-/);

  const dump = await dumpDatabase();
  expect(dump).toContain('GitProviderSecret');
  for (const value of canaries) {
    for (const text of responses) expect(text).not.toContain(value);
    for (const line of h.logs) expect(line).not.toContain(value);
    expect(dump).not.toContain(value);
  }
  expect(h.logs.length).toBeGreaterThan(0);
});

/** Every row of every table of the database, as JSON text. */
async function dumpDatabase(): Promise<string> {
  const tables = await h.database.prisma.$queryRaw<{ table_name: string }[]>`
    SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`;
  const parts: string[] = [];
  for (const { table_name } of tables) {
    const rows = await h.database.prisma.$queryRawUnsafe<{ row: unknown }[]>(`SELECT row_to_json(t)::text AS row FROM "${table_name}" t`);
    parts.push(table_name, ...rows.map((r) => String(r.row)));
  }
  return parts.join('\n');
}
