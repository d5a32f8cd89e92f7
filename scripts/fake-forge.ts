/**
 * Starts one of the test suite's fake forges by hand, seeded with data and with one real git repository
 * (`acme/hello`, served over git's smart HTTP), and prints the mutation that connects forgegraph to it and
 * the commit statuses deployments post. For trying the service without a real forge:
 *
 *   npm run fake-forge -- gitlab            (github | gitlab | gitea | bitbucket)
 *   npm run fake-forge -- gitlab --rate-limited
 *
 * The fake listens on 127.0.0.1, which forgegraph refuses unless allowed:
 *   FORGEGRAPH_ALLOWED_PRIVATE_HOSTS=127.0.0.1 npm start            (BITBUCKET_API_URL too, for bitbucket)
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { TestGitRepository } from '../test/fakes/git/repository.js';
import { FakeBitbucket } from '../test/fakes/bitbucket/fake-bitbucket.js';
import { FakeGitea } from '../test/fakes/gitea/fake-gitea.js';
import { FakeGitHub } from '../test/fakes/github/fake-github.js';
import { FakeGitLab } from '../test/fakes/gitlab/fake-gitlab.js';

const [forge, ...flags] = process.argv.slice(2);
const rateLimited = flags.includes('--rate-limited');
const token = `fake-${randomBytes(12).toString('hex')}`;
/** Where forgegraph will run (its OAuth callbacks are built on it). */
const publicUrl = (process.env.PUBLIC_URL ?? 'http://localhost:4000').replace(/\/+$/, '');

/** A GraphQL string literal (JSON's escaping is valid GraphQL). */
const literal = (value: string) => JSON.stringify(value);

async function start(): Promise<{ stop(): Promise<void>; mutation: string; env: string; repository: string; git: TestGitRepository; requests: { method: string; url: URL; body: string }[] }> {
  switch (forge) {
    case 'github': {
      const keys = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
      const permissions = { metadata: 'read', contents: 'read', statuses: 'write' };
      const fake = await new FakeGitHub({ appId: 123456, clientId: 'Iv23liFakeForge', publicKey: keys.publicKey, installationId: 789012, appPermissions: permissions }).start();
      fake.seed({ repositories: 249, branchesPerRepo: 3, extraRepositories: [{ name: 'monorepo', branches: 450, defaultBranch: 'develop', isPrivate: true }] });
      const git = fake.addGitRepository('hello');
      if (rateLimited) fake.exhaustRateLimit(403);
      return {
        git,
        requests: fake.requests,
        stop: () => fake.stop(),
        env: 'FORGEGRAPH_ALLOWED_PRIVATE_HOSTS=127.0.0.1',
        repository: 'acme/monorepo',
        mutation: `createGitHubProvider(input: { name: "Fake GitHub", githubUrl: ${literal(fake.url)}, githubAppId: 123456, githubInstallationId: "789012", githubPrivateKey: ${literal(keys.privateKey)} })`,
      };
    }
    case 'gitlab': {
      const fake = await new FakeGitLab().start();
      fake.seed({ repositories: 350, branchesPerRepo: 3, branchCounts: { 'acme/platform/monorepo': 450 } });
      fake.issueToken({ value: token, scopes: ['api', 'read_repository', 'read_user'], lifetimeSeconds: null });
      const git = fake.addGitRepository('acme/hello');
      if (rateLimited) fake.exhaustRateLimit();
      // An OAuth application too, so the authorizeGitProvider flow can be followed in a browser.
      const app = fake.oauth.registerApplication({ redirectUri: `${publicUrl}/api/gitlab/callback` });
      return {
        git,
        requests: fake.requests,
        stop: () => fake.stop(),
        env: `FORGEGRAPH_ALLOWED_PRIVATE_HOSTS=127.0.0.1 PUBLIC_URL=${publicUrl}`,
        repository: 'acme/platform/monorepo',
        mutation: `createGitLabProvider(input: { name: "Fake GitLab", gitlabUrl: ${literal(fake.url)}, accessToken: ${literal(token)}, applicationId: ${literal(app.clientId)}, secret: ${literal(app.clientSecret)}, redirectUri: ${literal(`${publicUrl}/api/gitlab/callback`)} })`,
      };
    }
    case 'gitea': {
      const fake = await new FakeGitea({ seed: { repositories: 120, bigRepositories: [{ fullName: 'acme/monorepo', branches: 450, defaultBranch: 'develop' }] }, tokens: [token] }).start();
      const git = fake.addGitRepository('acme/hello');
      if (rateLimited) fake.rateLimitByProxy(60);
      return {
        git,
        requests: fake.requests,
        stop: () => fake.stop(),
        env: 'FORGEGRAPH_ALLOWED_PRIVATE_HOSTS=127.0.0.1',
        repository: 'acme/monorepo',
        mutation: `createGiteaProvider(input: { name: "Fake Gitea", giteaUrl: ${literal(fake.url)}, accessToken: ${literal(token)} })`,
      };
    }
    case 'bitbucket': {
      const credentials = { email: 'dev@example.com', apiToken: token, username: 'fake-dev', appPassword: `app-${token}` };
      const fake = await new FakeBitbucket(credentials).start();
      fake.seed({ workspace: 'acme', repositories: 230, branchesPerRepo: 3, bigRepos: { big: 450 } });
      const git = fake.addGitRepository('acme/hello');
      if (rateLimited) fake.rateLimited = { retryAfterSeconds: 60 };
      return {
        git,
        requests: fake.requests,
        stop: () => fake.stop(),
        env: `FORGEGRAPH_ALLOWED_PRIVATE_HOSTS=127.0.0.1 BITBUCKET_API_URL=${fake.url}/2.0`,
        repository: 'acme/big',
        mutation: `createBitbucketProvider(input: { name: "Fake Bitbucket", bitbucketEmail: "dev@example.com", apiToken: ${literal(token)}, bitbucketWorkspaceName: "acme" })`,
      };
    }
    default:
      console.error('usage: npm run fake-forge -- <github|gitlab|gitea|bitbucket> [--rate-limited]');
      process.exit(2);
  }
}

const fake = await start();
fake.git.commit('main', {
  files: { 'README.md': '# hello\n', 'build.sh': 'echo "building hello at $FORGEGRAPH_COMMIT_SHA"\nls -la\n' },
  message: 'Initial commit',
});
console.log(`Fake ${forge} is running. Start forgegraph so that it may reach it:

  ${fake.env} npm start

Then, in GraphiQL:

mutation Connect {
  ${fake.mutation} {
    __typename
    ... on Error { message code }
    ... on Create${forge === 'github' ? 'GitHub' : forge === 'gitlab' ? 'GitLab' : forge![0]!.toUpperCase() + forge!.slice(1)}ProviderSuccess { gitProvider { id } }
  }
}

and with the id it returns: testGitProviderConnection(input: { id }), authorizeGitProvider(input: { id }) (gitlab:
open its authorizationUrl in a browser; the fake approves at once and returns to forgegraph), and on gitProvider(id) the fields
repositories(first: 20) and branches(repository: "${fake.repository}", first: 100).
Errors to try: a wrong token (updateXProvider), an unknown repository, --rate-limited, stopping this fake
(unreachable), or forgegraph started without FORGEGRAPH_ALLOWED_PRIVATE_HOSTS (address not allowed).
To deploy: createApplication(input: { name: "hello", gitProviderId: <id>, repository: "acme/hello", branch: "main",
buildCommand: "sh build.sh" }), then deployApplication(input: { id: <application id> }) and, in another tab,
subscription { deploymentUpdated(applicationId: <application id>) { status logChunk } }. Commit statuses the
deployments post are printed here.
Ctrl-C stops it.`);

// Commit statuses as the forge receives them: what a user would see on the commit page.
let seen = 0;
setInterval(() => {
  for (const request of fake.requests.slice(seen)) {
    if (request.method === 'POST' && /\/statuses(\/|$)/.test(request.url.pathname)) {
      let state = '?';
      try {
        const body = JSON.parse(request.body) as { state?: string };
        state = body.state ?? state;
      } catch {
        state = new URLSearchParams(request.body).get('state') ?? state;
      }
      console.log(`commit status ${state}: POST ${request.url.pathname}`);
    }
  }
  seen = fake.requests.length;
}, 500).unref();

process.on('SIGINT', () => void fake.stop().then(() => process.exit(0)));
process.on('SIGTERM', () => void fake.stop().then(() => process.exit(0)));
