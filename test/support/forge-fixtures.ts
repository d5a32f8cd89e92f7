import { generateKeyPairSync, randomUUID } from 'node:crypto';
import type { TestGitRepository } from '../fakes/git/repository.js';
import { FakeBitbucket } from '../fakes/bitbucket/fake-bitbucket.js';
import type { FakeRequest } from '../fakes/fake-server.js';
import { FakeGitea } from '../fakes/gitea/fake-gitea.js';
import { FakeGitHub } from '../fakes/github/fake-github.js';
import { FakeGitLab } from '../fakes/gitlab/fake-gitlab.js';
import type { Forge } from './operations.js';

/** A commit status as a fake forge recorded it, in the forge's own vocabulary. */
export interface RecordedStatus {
  state: string;
  context: string;
  targetUrl: string | null;
}

/** One fake forge with a real git repository behind it, and how forgegraph connects to it. */
export interface ForgeFixture {
  forge: Forge;
  /** A credential that must never leave the service. */
  secret: string;
  /** The repository as `repositories` names it. */
  repository: string;
  git: TestGitRepository;
  /** The create mutation's input. */
  providerInput: Record<string, unknown>;
  /** What the forge calls pending and success. */
  states: { pending: string; success: string; failure: string };
  statuses(sha: string): RecordedStatus[];
  /** The repository hooks the forge holds for the repository, with the secret it signs with (none for GitHub). */
  hooks(): { url: string; secret: string | null }[];
  /** Harness options the forge needs (Bitbucket's API base). */
  harness: { bitbucketApiUrl?: string };
  stop(): Promise<void>;
}

export async function gitHubFixture(): Promise<ForgeFixture> {
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  const permissions = { metadata: 'read', contents: 'read', statuses: 'write' };
  const fake = await new FakeGitHub({ appId: 4242, clientId: 'Iv23liDeployTests', publicKey: keys.publicKey, installationId: 7001, appPermissions: permissions }).start();
  const git = fake.addGitRepository('web');
  return {
    forge: 'GitHub',
    secret: keys.privateKey,
    repository: 'acme/web',
    git,
    providerInput: { name: 'GitHub', githubUrl: fake.url, githubAppId: 4242, githubInstallationId: '7001', githubPrivateKey: keys.privateKey },
    states: { pending: 'pending', success: 'success', failure: 'failure' },
    statuses: (sha) => fake.statuses.filter((s) => s.sha === sha).map((s) => ({ state: s.state, context: s.context, targetUrl: s.targetUrl })),
    hooks: () => [],
    harness: {},
    stop: () => fake.stop(),
  };
}

export async function gitLabFixture(): Promise<ForgeFixture> {
  const token = `glpat-${randomUUID()}`;
  const fake = await new FakeGitLab({ externalUrl: 'https://gitlab.example.com' }).seed({ repositories: 1 }).start();
  fake.issueToken({ value: token, scopes: ['api', 'read_repository', 'read_user'] });
  const git = fake.addGitRepository('acme/web');
  return {
    forge: 'GitLab',
    secret: token,
    repository: 'acme/web',
    git,
    providerInput: { name: 'GitLab', gitlabUrl: 'https://gitlab.example.com', gitlabInternalUrl: fake.url, accessToken: token },
    states: { pending: 'pending', success: 'success', failure: 'failed' },
    // GitLab updates a pending status in place, so the posts themselves tell the sequence.
    statuses: (sha) => postedStatuses(fake.requests, `/statuses/${sha}`, (body) => ({ state: body.state, context: body.name, targetUrl: body.target_url })),
    hooks: () => fake.hooks.all.map((hook) => ({ url: hook.url, secret: hook.token })),
    harness: {},
    stop: () => fake.stop(),
  };
}

export async function giteaFixture(): Promise<ForgeFixture> {
  const token = `gitea-${randomUUID()}`;
  const fake = await new FakeGitea({ seed: { repositories: 2 }, tokens: [token] }).start();
  const git = fake.addGitRepository('acme/web', { isPrivate: true });
  return {
    forge: 'Gitea',
    secret: token,
    repository: 'acme/web',
    git,
    providerInput: { name: 'Gitea', giteaUrl: fake.url, accessToken: token },
    states: { pending: 'pending', success: 'success', failure: 'failure' },
    statuses: (sha) => fake.commitStatuses('acme/web', sha).map((s) => ({ state: s.state, context: s.context, targetUrl: s.targetUrl })),
    hooks: () => fake.hooks('acme/web').map((hook) => ({ url: hook.url, secret: hook.secret })),
    harness: {},
    stop: () => fake.stop(),
  };
}

export async function bitbucketFixture(): Promise<ForgeFixture> {
  const credentials = { email: 'dev@example.com', apiToken: `ATATT-${randomUUID()}`, username: 'fake-dev', appPassword: `app-${randomUUID()}` };
  const fake = await new FakeBitbucket(credentials).start();
  fake.seed({ workspace: 'acme', repositories: 2 });
  const git = fake.addGitRepository('acme/web');
  return {
    forge: 'Bitbucket',
    secret: credentials.apiToken,
    repository: 'acme/web',
    git,
    providerInput: { name: 'Bitbucket', bitbucketEmail: credentials.email, apiToken: credentials.apiToken, bitbucketWorkspaceName: 'acme' },
    states: { pending: 'INPROGRESS', success: 'SUCCESSFUL', failure: 'FAILED' },
    // Bitbucket keeps one status per key and replaces it, so the posts themselves tell the sequence.
    statuses: (sha) => postedStatuses(fake.requests, `/commit/${sha}/statuses/build`, (body) => ({ state: body.state, context: body.key, targetUrl: body.url })),
    hooks: () => fake.hooksOf('acme/web').map((hook) => ({ url: hook.url, secret: hook.secret })),
    harness: { bitbucketApiUrl: `${fake.url}/2.0` },
    stop: () => fake.stop(),
  };
}

/** The statuses POSTed to paths ending with `pathEnd` (a trailing slash allowed), in the order they came. */
function postedStatuses(
  requests: FakeRequest[],
  pathEnd: string,
  pick: (body: Record<string, string | undefined>) => { state: string | undefined; context: string | undefined; targetUrl: string | undefined },
): RecordedStatus[] {
  return requests
    .filter((r) => r.method === 'POST' && r.url.pathname.replace(/\/$/, '').endsWith(pathEnd))
    .map((r) => {
      const picked = pick(JSON.parse(r.body || '{}') as Record<string, string | undefined>);
      return { state: picked.state ?? '', context: picked.context ?? '', targetUrl: picked.targetUrl ?? null };
    });
}
