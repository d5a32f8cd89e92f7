import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SecretBox } from '../../src/crypto/secret-box.js';
import { bootstrapApiKey } from '../../src/resolvers/api-keys.js';
import { FakeGitLab } from '../fakes/gitlab/fake-gitlab.js';
import { createTestDatabase, testDatabaseKind, type TestDatabase } from '../support/database.js';
import { CREATE_APPLICATION, DEPLOY, DEPLOYMENT } from '../support/deployments.js';
import { createMutation } from '../support/operations.js';
import { runCli } from '../support/run-cli.js';
import { cliEnv, startService, type Service } from '../support/service.js';

// The service as users run it (node + tsx, src/server.ts), killed with SIGKILL in the middle of a deployment,
// then started again: the deployment must not stay RUNNING, and runs to its end on the new process.

const TOKEN = `glpat-recovery-${randomUUID()}`;
const gitlab = new FakeGitLab({ externalUrl: 'https://gitlab.example.com' });
const dataDir = mkdtempSync(path.join(tmpdir(), 'forgegraph-recovery-'));
let database: TestDatabase | undefined;
let env: Record<string, string>;
let apiKey: string;
let service: Service | undefined;

async function graphql(port: number, query: string, variables: Record<string, unknown>) {
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: any; errors?: unknown[] };
}

async function waitFor(port: number, id: string, until: (d: any) => boolean, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const deployment = (await graphql(port, DEPLOYMENT, { id })).data?.deployment;
    if (deployment && until(deployment)) return deployment;
    if (Date.now() > deadline) throw new Error(`deployment not there in time: ${JSON.stringify(deployment)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

beforeAll(async () => {
  await gitlab.seed({ repositories: 1 }).start();
  gitlab.issueToken({ value: TOKEN, scopes: ['api', 'read_repository', 'read_user'] });
  gitlab.addGitRepository('acme/web').commit('main', { files: { 'README.md': 'hello\n' }, message: 'Initial commit' });
  env = {
    DATA_DIR: dataDir,
    FORGEGRAPH_SECRET_KEY: SecretBox.generateKey(),
    FORGEGRAPH_ALLOWED_PRIVATE_HOSTS: '127.0.0.1',
    DEPLOY_WORKER_TIMEOUT_SECONDS: '3',
    DEPLOY_MIN_FREE_MB: '1',
  };
  if (testDatabaseKind === 'postgres') {
    database = await createTestDatabase('postgres');
    env.DATABASE_URL = database.url!;
    apiKey = (await bootstrapApiKey(database.prisma, { organization: 'Acme', email: 'owner@acme.test' })).key;
  } else {
    const run = await runCli(['api-key', 'create', '--organization', 'Acme', '--email', 'owner@acme.test'], cliEnv(env));
    expect(run.code).toBe(0);
    apiKey = run.lastLine;
  }
}, 90_000);

afterAll(async () => {
  await service?.stop();
  await database?.close();
  await gitlab.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a service killed during a deployment', () => {
  test('leaves nothing RUNNING: the deployment runs again on the next start and ends', async () => {
    service = await startService(env);
    const created = await graphql(service.port, createMutation('GitLab'), { input: { name: 'GitLab', gitlabUrl: 'https://gitlab.example.com', gitlabInternalUrl: gitlab.url, accessToken: TOKEN } });
    const providerId = created.data.createGitLabProvider.gitProvider.id;
    const app = await graphql(service.port, CREATE_APPLICATION, {
      input: { name: 'web', gitProviderId: providerId, repository: 'acme/web', branch: 'main', buildCommand: 'echo "attempt $FORGEGRAPH_DEPLOYMENT_ID"; sleep 4; echo built' },
    });
    const applicationId = app.data.createApplication.application.id;
    const queued = (await graphql(service.port, DEPLOY, { id: applicationId })).data.deployApplication.deployment;
    await waitFor(service.port, queued.id, (d) => d.status === 'RUNNING' && d.log.includes('attempt'));

    service.child.kill('SIGKILL');
    await new Promise((resolve) => service!.child.once('exit', resolve));
    const workspaces = path.join(dataDir, 'workspaces');
    expect(readdirSync(workspaces)).toHaveLength(1);

    service = await startService(env);
    const done = await waitFor(service.port, queued.id, (d) => d.status === 'SUCCEEDED' || d.status === 'FAILED');
    expect(done).toMatchObject({ status: 'SUCCEEDED', attempt: 2 });
    expect(done.log).toContain('The worker running this deployment stopped');
    expect(done.log).toContain('Starting again (attempt 2 of 3)');
    expect(done.log).toContain('built');
    expect(existsSync(workspaces) ? readdirSync(workspaces) : []).toEqual([]);
    const statuses = gitlab.commitStatuses.all.filter((s) => s.name === 'forgegraph/deploy');
    expect(statuses.at(-1)).toMatchObject({ status: 'success' });
  }, 120_000);
});
