import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { IgnoredEvent, ParsedDelivery, PullRequestEvent, PushEvent } from '../../src/webhooks/events.js';
import { parseDelivery, type WebhookForge } from '../../src/webhooks/parsers/index.js';

// Payloads are edited freely in these tests; `any` keeps that short.
type Payload = any;

const contractsDir = new URL('../../../shared/contracts/', import.meta.url);
const fixturesDir = new URL('../fixtures/webhooks/', import.meta.url);

function readJson(url: URL): Payload {
  return JSON.parse(readFileSync(url, 'utf8'));
}
const contract = (path: string): Payload => readJson(new URL(path, contractsDir));
const fixture = (path: string): Payload => readJson(new URL(path, fixturesDir));

/** @octokit/webhooks-examples: real GitHub deliveries collected by octokit, by event name. */
const octokitDefinitions = JSON.parse(readFileSync(createRequire(import.meta.url).resolve('@octokit/webhooks-examples'), 'utf8')) as {
  name: string;
  examples: Payload[];
}[];
function octokitExamples(name: string): Payload[] {
  const definition = octokitDefinitions.find((candidate) => candidate.name === name);
  if (!definition) throw new Error(`@octokit/webhooks-examples has no ${name} examples`);
  return definition.examples.map((example) => structuredClone(example));
}

function only(forge: WebhookForge, event: string, payload: unknown): ParsedDelivery {
  const parsed = parseDelivery(forge, event, payload);
  expect(parsed).toHaveLength(1);
  return parsed[0]!;
}

function expectIgnored(parsed: ParsedDelivery, ...fragments: string[]): void {
  expect(parsed.kind).toBe('ignored');
  const reason = (parsed as IgnoredEvent).reason;
  for (const fragment of fragments) expect(reason).toContain(fragment);
}

const SHA_A = '1111111111111111111111111111111111111111';
const SHA_B = '2222222222222222222222222222222222222222';
const ZERO = '0000000000000000000000000000000000000000';

// The pull request every GitHub example (contract and @octokit/webhooks-examples) describes.
function helloWorldPullRequest(action: PullRequestEvent['action'], overrides: Partial<PullRequestEvent> = {}): PullRequestEvent {
  return {
    kind: 'pull_request',
    action,
    repository: 'Codertocat/Hello-World',
    number: 2,
    title: 'Update the README with new information.',
    baseBranch: 'master',
    headBranch: 'changes',
    headSha: 'ec26c3e57ca3a959ca5aad62de7213c562f8c821',
    fromFork: false,
    author: { login: 'Codertocat', id: '21031067' },
    authorTrusted: true,
    ...overrides,
  };
}

const CODERTOCAT_INITIAL_COMMIT = { sha: '6113728f27ae82c7b1a177c8d03f9e96e0adf246', message: 'Initial commit', author: 'Codertocat' };

const contractCases: Record<string, { forge: WebhookForge; event: string; expected: ParsedDelivery[] }> = {
  'github/webhooks/installation.created.1.json': { forge: 'GITHUB', event: 'installation', expected: [{ kind: 'installation', action: 'restored', installationId: '957387' }] },
  'github/webhooks/installation.deleted.1.json': { forge: 'GITHUB', event: 'installation', expected: [{ kind: 'installation', action: 'removed', installationId: '2' }] },
  'github/webhooks/installation.new_permissions_accepted.1.json': {
    forge: 'GITHUB',
    event: 'installation',
    expected: [{ kind: 'installation', action: 'restored', installationId: '957387' }],
  },
  'github/webhooks/installation.suspend.1.json': { forge: 'GITHUB', event: 'installation', expected: [{ kind: 'installation', action: 'suspended', installationId: '16598467' }] },
  'github/webhooks/installation.unsuspend.1.json': { forge: 'GITHUB', event: 'installation', expected: [{ kind: 'installation', action: 'restored', installationId: '16598467' }] },
  'github/webhooks/installation_repositories.added.1.json': {
    forge: 'GITHUB',
    event: 'installation_repositories',
    expected: [{ kind: 'installation', action: 'repositories', installationId: '957387' }],
  },
  'github/webhooks/installation_repositories.added.2.json': {
    forge: 'GITHUB',
    event: 'installation_repositories',
    expected: [{ kind: 'installation', action: 'repositories', installationId: '957387' }],
  },
  'github/webhooks/installation_repositories.removed.1.json': {
    forge: 'GITHUB',
    event: 'installation_repositories',
    expected: [{ kind: 'installation', action: 'repositories', installationId: '2' }],
  },
  'github/webhooks/ping.default.1.json': { forge: 'GITHUB', event: 'ping', expected: [{ kind: 'ping' }] },
  'github/webhooks/pull_request.closed.1.json': { forge: 'GITHUB', event: 'pull_request', expected: [helloWorldPullRequest('closed')] },
  'github/webhooks/pull_request.opened.1.json': { forge: 'GITHUB', event: 'pull_request', expected: [helloWorldPullRequest('opened')] },
  'github/webhooks/pull_request.opened.2.json': { forge: 'GITHUB', event: 'pull_request', expected: [helloWorldPullRequest('opened')] },
  'github/webhooks/pull_request.reopened.1.json': { forge: 'GITHUB', event: 'pull_request', expected: [helloWorldPullRequest('opened')] },
  'github/webhooks/pull_request.synchronize.1.json': { forge: 'GITHUB', event: 'pull_request', expected: [helloWorldPullRequest('updated')] },
  'github/webhooks/push.branch.1.json': {
    forge: 'GITHUB',
    event: 'push',
    expected: [
      {
        kind: 'push',
        repository: 'Codertocat/Hello-World',
        refType: 'branch',
        refName: 'master',
        before: null,
        after: '6113728f27ae82c7b1a177c8d03f9e96e0adf246',
        headCommit: CODERTOCAT_INITIAL_COMMIT,
        changedFiles: null,
      },
    ],
  },
  'github/webhooks/push.tag.4.json': {
    forge: 'GITHUB',
    event: 'push',
    expected: [
      {
        kind: 'push',
        repository: 'Codertocat/Hello-World',
        refType: 'tag',
        refName: 'simple-tag',
        before: '6113728f27ae82c7b1a177c8d03f9e96e0adf246',
        after: null,
        headCommit: null,
        changedFiles: null,
      },
    ],
  },
  'gitlab/webhooks/push.json': {
    forge: 'GITLAB',
    event: 'Push Hook',
    expected: [
      {
        kind: 'push',
        repository: 'mike/diaspora',
        refType: 'branch',
        refName: 'master',
        before: '95790bf891e76fee5e1747ab589903a6a1f80f22',
        after: 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7',
        headCommit: { sha: 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7', message: 'fixed readme', author: 'GitLab dev user' },
        // total_commits_count is 4 and the payload carries 2.
        changedFiles: null,
      },
    ],
  },
  'gitea/webhooks/push.json': {
    forge: 'GITEA',
    event: 'push',
    expected: [
      {
        kind: 'push',
        repository: 'example/example',
        refType: 'branch',
        refName: 'master',
        before: null,
        after: '67b56589a45103f891bdee7c0546e5d40bc02001',
        headCommit: { sha: '67b56589a45103f891bdee7c0546e5d40bc02001', message: 'example\n', author: 'example' },
        changedFiles: null,
      },
    ],
  },
  'bitbucket/webhooks/repo-push.json': {
    forge: 'BITBUCKET',
    event: 'repo:push',
    expected: [
      {
        kind: 'push',
        repository: 'team_name/repo_name',
        refType: 'branch',
        refName: 'name-of-branch',
        before: '1e65c05c1d5171631d92438a13901ca7dae9618c',
        after: '709d658dc5b6d6afcd46049c2f332ee3f515a67d',
        // The documentation's example has an account where the API has { raw, user }.
        headCommit: { sha: '709d658dc5b6d6afcd46049c2f332ee3f515a67d', message: 'new commit message\n', author: 'Emma' },
        changedFiles: null,
      },
    ],
  },
};

describe('contract webhook payloads', () => {
  it('has an expectation for every payload in ../shared/contracts/*/webhooks', () => {
    const payloads = readdirSync(contractsDir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .flatMap((forge) => {
        const dir = new URL(`${forge.name}/webhooks/`, contractsDir);
        try {
          return readdirSync(dir).map((file) => `${forge.name}/webhooks/${file}`);
        } catch {
          return [];
        }
      })
      .filter((path) => path.endsWith('.json') && !path.endsWith('/delivery-headers.json'));
    expect(payloads.length).toBeGreaterThan(0);
    expect(Object.keys(contractCases).sort()).toEqual(payloads.sort());
  });

  it.each(Object.entries(contractCases))('%s', (path, { forge, event, expected }) => {
    expect(parseDelivery(forge, event, contract(path))).toEqual(expected);
  });
});

describe('GitHub', () => {
  describe('pull_request (@octokit/webhooks-examples)', () => {
    const examples = octokitExamples('pull_request');
    const acted: Record<string, PullRequestEvent['action']> = { opened: 'opened', reopened: 'opened', synchronize: 'updated', closed: 'closed' };

    it('has examples of every action acted on', () => {
      for (const action of Object.keys(acted)) expect(examples.some((example) => example.action === action)).toBe(true);
    });

    it.each(examples.filter((example) => example.action in acted).map((example, index) => [`${example.action} #${index}`, example]))('%s', (_, example) => {
      expect(parseDelivery('GITHUB', 'pull_request', example)).toEqual([helloWorldPullRequest(acted[example.action]!)]);
    });

    it('ignores the other actions, naming them', () => {
      const others = examples.filter((example) => !(example.action in acted));
      expect(others.length).toBeGreaterThan(0);
      for (const example of others) expectIgnored(only('GITHUB', 'pull_request', example), `'${example.action}'`);
    });

    it('reports a head repository that differs from the base as a fork, and trusts only owners, members and collaborators', () => {
      // No example holds a fork pull request: the opened one, its head moved to another repository.
      const fork = examples.find((example) => example.action === 'opened');
      fork.pull_request.head.repo.full_name = 'octo-fork/Hello-World';
      fork.pull_request.author_association = 'CONTRIBUTOR';
      expect(parseDelivery('GITHUB', 'pull_request', fork)).toEqual([helloWorldPullRequest('opened', { fromFork: true, authorTrusted: false })]);

      for (const [association, trusted] of [
        ['OWNER', true],
        ['MEMBER', true],
        ['COLLABORATOR', true],
        ['CONTRIBUTOR', false],
        ['FIRST_TIME_CONTRIBUTOR', false],
        ['FIRST_TIMER', false],
        ['MANNEQUIN', false],
        ['NONE', false],
      ] as const) {
        fork.pull_request.author_association = association;
        expect(only('GITHUB', 'pull_request', fork)).toMatchObject({ authorTrusted: trusted });
      }
      delete fork.pull_request.author_association;
      expect(only('GITHUB', 'pull_request', fork)).toMatchObject({ authorTrusted: null });
    });

    it('reports a deleted head repository (head.repo null) as a fork', () => {
      const closed = examples.find((example) => example.action === 'closed');
      closed.pull_request.head.repo = null;
      expect(parseDelivery('GITHUB', 'pull_request', closed)).toEqual([helloWorldPullRequest('closed', { fromFork: true })]);
    });
  });

  describe('push (@octokit/webhooks-examples)', () => {
    const examples = octokitExamples('push');
    const createdTag = examples.find((example) => example.ref === 'refs/tags/simple-tag' && example.created);
    const deletedTag = examples.find((example) => example.ref === 'refs/tags/simple-tag' && example.deleted);
    const createdBranch = examples.find((example) => example.ref === 'refs/heads/master' && example.created);

    it('a created tag: no before, the tagged commit, no file list', () => {
      expect(parseDelivery('GITHUB', 'push', createdTag)).toEqual([
        {
          kind: 'push',
          repository: 'Codertocat/Hello-World',
          refType: 'tag',
          refName: 'simple-tag',
          before: null,
          after: '6113728f27ae82c7b1a177c8d03f9e96e0adf246',
          headCommit: { sha: '6113728f27ae82c7b1a177c8d03f9e96e0adf246', message: 'Adding a .gitignore file', author: 'Codertocat' },
          changedFiles: null,
        },
      ]);
    });

    it('an annotated tag: after is the commit head_commit names, not the tag object', () => {
      const annotated = structuredClone(createdTag);
      annotated.after = SHA_A;
      expect(only('GITHUB', 'push', annotated)).toMatchObject({ after: '6113728f27ae82c7b1a177c8d03f9e96e0adf246' });
    });

    it('a deleted tag: no after, no head commit', () => {
      expect(parseDelivery('GITHUB', 'push', deletedTag)).toEqual([
        {
          kind: 'push',
          repository: 'Codertocat/Hello-World',
          refType: 'tag',
          refName: 'simple-tag',
          before: '6113728f27ae82c7b1a177c8d03f9e96e0adf246',
          after: null,
          headCommit: null,
          changedFiles: null,
        },
      ]);
    });

    it('a deleted branch: no after', () => {
      const deletedBranch = structuredClone(deletedTag);
      deletedBranch.ref = 'refs/heads/feature/old';
      expect(only('GITHUB', 'push', deletedBranch)).toMatchObject({ refType: 'branch', refName: 'feature/old', after: null, headCommit: null, changedFiles: null });
    });

    it('a created branch: no before, so no file list even though the commit lists its files', () => {
      expect(createdBranch.commits[0].added).toEqual(['README.md']);
      expect(parseDelivery('GITHUB', 'push', createdBranch)).toEqual([
        {
          kind: 'push',
          repository: 'Codertocat/Hello-World',
          refType: 'branch',
          refName: 'master',
          before: null,
          after: '6113728f27ae82c7b1a177c8d03f9e96e0adf246',
          headCommit: CODERTOCAT_INITIAL_COMMIT,
          changedFiles: null,
        },
      ]);
    });
  });

  describe('push file lists', () => {
    function pushWithCommits(count: number): Payload {
      const push = contract('github/webhooks/push.branch.1.json');
      push.before = SHA_A;
      push.after = SHA_B;
      push.created = false;
      const template = push.head_commit;
      push.commits = Array.from({ length: count }, (_, index) => ({
        ...structuredClone(template),
        id: index === count - 1 ? SHA_B : `${String(index).padStart(2, '0')}`.padEnd(40, 'a'),
        added: [`added-${index}.txt`],
        modified: ['README.md'],
        removed: index === 0 ? ['old.txt'] : [],
      }));
      push.head_commit = { ...push.commits[count - 1] };
      return push;
    }

    it('lists every path of an update that names all its commits, once each, in first-seen order', () => {
      expect(only('GITHUB', 'push', pushWithCommits(3))).toEqual({
        kind: 'push',
        repository: 'Codertocat/Hello-World',
        refType: 'branch',
        refName: 'master',
        before: SHA_A,
        after: SHA_B,
        headCommit: { sha: SHA_B, message: 'Initial commit', author: 'Codertocat' },
        changedFiles: ['added-0.txt', 'README.md', 'old.txt', 'added-1.txt', 'added-2.txt'],
      });
      expect(only('GITHUB', 'push', pushWithCommits(19))).toMatchObject({ changedFiles: expect.arrayContaining(['added-18.txt']) });
    });

    it('gives no list at 20 commits or more (the list may be cut)', () => {
      expect(only('GITHUB', 'push', pushWithCommits(20))).toMatchObject({ changedFiles: null });
      expect(only('GITHUB', 'push', pushWithCommits(21))).toMatchObject({ changedFiles: null, after: SHA_B });
    });

    it('gives no list for a forced push', () => {
      const forced = pushWithCommits(2);
      forced.forced = true;
      expect(only('GITHUB', 'push', forced)).toMatchObject({ changedFiles: null });
    });

    it('ignores pushes to refs that are neither branches nor tags', () => {
      const notes = pushWithCommits(1);
      notes.ref = 'refs/notes/commits';
      expectIgnored(only('GITHUB', 'push', notes), 'refs/notes/commits');
    });
  });

  it('installation and installation_repositories (@octokit/webhooks-examples)', () => {
    const installation = octokitExamples('installation');
    expect(installation.map((payload) => [payload.action, parseDelivery('GITHUB', 'installation', payload)])).toEqual([
      ['deleted', [{ kind: 'installation', action: 'removed', installationId: '2' }]],
      ['created', [{ kind: 'installation', action: 'restored', installationId: '957387' }]],
      ['created', [{ kind: 'installation', action: 'restored', installationId: '957387' }]],
      ['deleted', [{ kind: 'installation', action: 'removed', installationId: '2' }]],
      ['new_permissions_accepted', [{ kind: 'installation', action: 'restored', installationId: '957387' }]],
      ['suspend', [{ kind: 'installation', action: 'suspended', installationId: '16598467' }]],
      ['unsuspend', [{ kind: 'installation', action: 'restored', installationId: '16598467' }]],
    ]);
    const repositories = octokitExamples('installation_repositories');
    expect(repositories.map((payload) => [payload.action, parseDelivery('GITHUB', 'installation_repositories', payload)])).toEqual([
      ['added', [{ kind: 'installation', action: 'repositories', installationId: '957387' }]],
      ['added', [{ kind: 'installation', action: 'repositories', installationId: '957387' }]],
      ['removed', [{ kind: 'installation', action: 'repositories', installationId: '2' }]],
    ]);
  });

  it('ignores installation actions it does not act on', () => {
    const [example] = octokitExamples('installation');
    example.action = 'new_permissions_requested';
    expectIgnored(only('GITHUB', 'installation', example), "'new_permissions_requested'");
  });

  it('ping (@octokit/webhooks-examples, repository and organization hooks)', () => {
    const pings = octokitExamples('ping');
    expect(pings.length).toBeGreaterThan(1);
    for (const ping of pings) expect(parseDelivery('GITHUB', 'ping', ping)).toEqual([{ kind: 'ping' }]);
  });
});

describe('GitLab', () => {
  const mergeRequest = (): Payload => fixture('gitlab/merge-request-hook.json');
  const docsMergeRequest: PullRequestEvent = {
    kind: 'pull_request',
    action: 'opened',
    repository: 'gitlabhq/gitlab-test',
    number: 1,
    title: 'MS-Viewport',
    baseBranch: 'master',
    headBranch: 'ms-viewport',
    headSha: 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7',
    fromFork: false,
    // The example's user (id 1) triggered the event; the author is user 51, whose username the payload lacks.
    author: { login: null, id: '51' },
    authorTrusted: null,
  };

  it('Merge Request Hook, open (the documentation example)', () => {
    expect(parseDelivery('GITLAB', 'Merge Request Hook', mergeRequest())).toEqual([docsMergeRequest]);
  });

  it('names the author when the author triggered the event', () => {
    const payload = mergeRequest();
    payload.user.id = 51;
    expect(only('GITLAB', 'Merge Request Hook', payload)).toMatchObject({ author: { login: 'root', id: '51' } });
  });

  it.each([
    ['reopen', undefined, 'opened'],
    ['update', 'a3b6d9ad4a5bbcb5a7e3ba5ff1e2b6bd9e5f4f01', 'updated'],
    ['close', undefined, 'closed'],
    ['merge', undefined, 'closed'],
  ] as const)('action %s (oldrev %s) -> %s', (action, oldrev, expected) => {
    const payload = mergeRequest();
    payload.object_attributes.action = action;
    if (oldrev) payload.object_attributes.oldrev = oldrev;
    expect(parseDelivery('GITLAB', 'Merge Request Hook', payload)).toEqual([{ ...docsMergeRequest, action: expected }]);
  });

  it('ignores an update without new commits (no oldrev), and approvals', () => {
    const edited = mergeRequest();
    edited.object_attributes.action = 'update';
    expectIgnored(only('GITLAB', 'Merge Request Hook', edited), 'without new commits');
    for (const action of ['approved', 'unapproved', 'approval', 'unapproval']) {
      const payload = mergeRequest();
      payload.object_attributes.action = action;
      expectIgnored(only('GITLAB', 'Merge Request Hook', payload), `'${action}'`);
    }
  });

  it('reports a source project other than the target as a fork', () => {
    const fork = mergeRequest();
    fork.object_attributes.source_project_id = 15;
    expect(only('GITLAB', 'Merge Request Hook', fork)).toMatchObject({ fromFork: true });
    fork.object_attributes.source_project_id = null;
    expect(only('GITLAB', 'Merge Request Hook', fork)).toMatchObject({ fromFork: true });
  });

  it('Tag Push Hook (the documentation example)', () => {
    expect(parseDelivery('GITLAB', 'Tag Push Hook', fixture('gitlab/tag-push-hook.json'))).toEqual([
      {
        kind: 'push',
        repository: 'jsmith/example',
        refType: 'tag',
        refName: 'v1.0.0',
        before: null,
        after: '82b3d5ae55f7080f1e6022629cdb57bfae7cccc7',
        headCommit: null,
        changedFiles: null,
      },
    ]);
  });

  it('an annotated tag: after is checkout_sha, the commit, not the tag object', () => {
    const tag = fixture('gitlab/tag-push-hook.json');
    tag.after = SHA_A;
    expect(only('GITLAB', 'Tag Push Hook', tag)).toMatchObject({ after: '82b3d5ae55f7080f1e6022629cdb57bfae7cccc7' });
  });

  it('a push that lists all its commits gives their files', () => {
    const push = contract('gitlab/webhooks/push.json');
    push.total_commits_count = 2;
    expect(only('GITLAB', 'Push Hook', push)).toMatchObject({ changedFiles: ['CHANGELOG', 'app/controller/application.rb'] });
  });

  it('no file list when commits holds fewer than total_commits_count (21 pushed, 20 listed)', () => {
    const push = contract('gitlab/webhooks/push.json');
    const [first] = push.commits;
    push.commits = [...Array.from({ length: 19 }, (_, index) => ({ ...first, id: `${index}`.padEnd(40, 'b') })), push.commits[1]];
    push.total_commits_count = 21;
    expect(only('GITLAB', 'Push Hook', push)).toMatchObject({
      changedFiles: null,
      headCommit: { sha: 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7', message: 'fixed readme', author: 'GitLab dev user' },
    });
    push.total_commits_count = 20;
    expect(only('GITLAB', 'Push Hook', push)).toMatchObject({ changedFiles: ['CHANGELOG', 'app/controller/application.rb'] });
  });

  it('a created branch has no before and no file list; a deleted one no after', () => {
    const created = contract('gitlab/webhooks/push.json');
    created.before = ZERO;
    created.total_commits_count = 2;
    expect(only('GITLAB', 'Push Hook', created)).toMatchObject({ before: null, changedFiles: null });

    // The documentation: a deleted branch has after all zeros (and nothing to check out).
    const deleted = contract('gitlab/webhooks/push.json');
    deleted.after = ZERO;
    deleted.checkout_sha = null;
    deleted.commits = [];
    deleted.total_commits_count = 0;
    expect(parseDelivery('GITLAB', 'Push Hook', deleted)).toEqual([
      { kind: 'push', repository: 'mike/diaspora', refType: 'branch', refName: 'master', before: '95790bf891e76fee5e1747ab589903a6a1f80f22', after: null, headCommit: null, changedFiles: null },
    ]);
  });

  it('ignores a hook whose ref does not match its kind', () => {
    expectIgnored(only('GITLAB', 'Push Hook', fixture('gitlab/tag-push-hook.json')), 'refs/tags/v1.0.0', 'not a branch push');
    expectIgnored(only('GITLAB', 'Tag Push Hook', contract('gitlab/webhooks/push.json')), 'refs/heads/master', 'not a tag push');
  });
});

describe('Gitea', () => {
  const pullRequest = (): Payload => fixture('gitea/pull-request-opened.json');
  const forkPullRequest: PullRequestEvent = {
    kind: 'pull_request',
    action: 'opened',
    repository: 'example/example',
    number: 2,
    title: 'update',
    baseBranch: 'master',
    headBranch: 'master',
    headSha: '48e773f892a831faa47c0a160d1b7f0cd369ae2a',
    fromFork: true,
    author: { login: 'example2', id: '2' },
    authorTrusted: null,
  };

  it('pull_request opened from a fork (a real delivery)', () => {
    expect(parseDelivery('GITEA', 'pull_request', pullRequest())).toEqual([forkPullRequest]);
  });

  it.each([
    ['reopened', 'opened'],
    ['synchronized', 'updated'],
    ['closed', 'closed'],
  ] as const)('action %s -> %s', (action, expected) => {
    // Gitea sends the same PullRequestPayload for every action (modules/structs/hook.go).
    const payload = pullRequest();
    payload.action = action;
    expect(parseDelivery('GITEA', 'pull_request', payload)).toEqual([{ ...forkPullRequest, action: expected }]);
  });

  it('ignores the other pull_request actions (labels, assignees, reviews, edits)', () => {
    for (const action of ['edited', 'assigned', 'label_updated', 'milestoned', 'reviewed', 'review_requested']) {
      const payload = pullRequest();
      payload.action = action;
      expectIgnored(only('GITEA', 'pull_request', payload), `'${action}'`);
    }
  });

  it('a head in the base repository is not a fork', () => {
    const payload = pullRequest();
    payload.pull_request.head.repo_id = 1;
    expect(only('GITEA', 'pull_request', payload)).toMatchObject({ fromFork: false });
  });

  it('push file lists need total_commits and a before', () => {
    const push = contract('gitea/webhooks/push.json');
    push.before = SHA_A;
    expect(only('GITEA', 'push', push)).toMatchObject({ before: SHA_A, changedFiles: null });
    push.total_commits = 1;
    expect(only('GITEA', 'push', push)).toMatchObject({ changedFiles: ['example'] });
    push.total_commits = 6;
    expect(only('GITEA', 'push', push)).toMatchObject({ changedFiles: null });
  });

  it('takes the head commit from the commits when head_commit is absent', () => {
    const push = contract('gitea/webhooks/push.json');
    push.head_commit = null;
    expect(only('GITEA', 'push', push)).toMatchObject({
      headCommit: { sha: '67b56589a45103f891bdee7c0546e5d40bc02001', message: 'example\n', author: 'example' },
    });
  });

  it('ignores create and delete (refs arrive as push events)', () => {
    expectIgnored(only('GITEA', 'create', { ref: 'v1', ref_type: 'tag' }), "'create'");
    expectIgnored(only('GITEA', 'delete', { ref: 'v1', ref_type: 'tag' }), "'delete'");
  });
});

describe('Bitbucket', () => {
  const pullRequest = (): Payload => fixture('bitbucket/pullrequest-created.json');
  const docsPullRequest: PullRequestEvent = {
    kind: 'pull_request',
    action: 'opened',
    repository: 'team_name/repo_name',
    number: 1,
    title: 'Title of pull request',
    baseBranch: 'master',
    headBranch: 'branch2',
    headSha: 'd3022fc0ca3d',
    fromFork: false,
    author: { login: 'emmap1', id: '{a54f16da-24e9-4d7f-a3a7-b1ba2cd98aa3}' },
    authorTrusted: null,
  };

  it.each([
    ['pullrequest:created', 'opened'],
    ['pullrequest:updated', 'updated'],
    ['pullrequest:fulfilled', 'closed'],
    ['pullrequest:rejected', 'closed'],
  ] as const)('%s -> %s (the documentation example)', (event, action) => {
    expect(parseDelivery('BITBUCKET', event, pullRequest())).toEqual([{ ...docsPullRequest, action }]);
  });

  it('ignores the other pull request events', () => {
    for (const event of ['pullrequest:approved', 'pullrequest:unapproved', 'pullrequest:comment_created', 'pullrequest:changes_request_created']) {
      expectIgnored(only('BITBUCKET', event, pullRequest()), `'${event}'`);
    }
  });

  it('reports a source repository other than the destination as a fork', () => {
    const fork = pullRequest();
    fork.pullrequest.source.repository.full_name = 'emmap1/repo_name';
    expect(only('BITBUCKET', 'pullrequest:created', fork)).toMatchObject({ fromFork: true });
    fork.pullrequest.source.repository = null;
    expect(only('BITBUCKET', 'pullrequest:created', fork)).toMatchObject({ fromFork: true });
  });

  it('one event per change of a push that moves several refs', () => {
    const push = contract('bitbucket/webhooks/repo-push.json');
    const [update] = push.push.changes;
    const createdTag = { ...structuredClone(update), old: null, created: true, new: { ...structuredClone(update.new), type: 'tag', name: 'v2.0.0' } };
    createdTag.new.target.author = { raw: 'Emma <emma@example.com>', user: structuredClone(update.new.target.author) };
    const deletedBranch = { ...structuredClone(update), new: null, closed: true, old: { ...structuredClone(update.old), name: 'old-branch' } };
    push.push.changes = [update, createdTag, deletedBranch];
    expect(parseDelivery('BITBUCKET', 'repo:push', push)).toEqual([
      contractCases['bitbucket/webhooks/repo-push.json']!.expected[0],
      {
        kind: 'push',
        repository: 'team_name/repo_name',
        refType: 'tag',
        refName: 'v2.0.0',
        before: null,
        after: '709d658dc5b6d6afcd46049c2f332ee3f515a67d',
        headCommit: { sha: '709d658dc5b6d6afcd46049c2f332ee3f515a67d', message: 'new commit message\n', author: 'Emma <emma@example.com>' },
        changedFiles: null,
      },
      {
        kind: 'push',
        repository: 'team_name/repo_name',
        refType: 'branch',
        refName: 'old-branch',
        before: '1e65c05c1d5171631d92438a13901ca7dae9618c',
        after: null,
        headCommit: null,
        changedFiles: null,
      } satisfies PushEvent,
    ]);
  });

  it('ignores changes to refs that are neither branches nor tags, and pushes with no changes', () => {
    const push = contract('bitbucket/webhooks/repo-push.json');
    const [update] = push.push.changes;
    push.push.changes = [{ ...structuredClone(update), new: { ...structuredClone(update.new), type: 'named_branch' } }, update];
    const [odd, branch] = parseDelivery('BITBUCKET', 'repo:push', push);
    expectIgnored(odd!, 'named_branch');
    expect(branch).toMatchObject({ kind: 'push', refName: 'name-of-branch' });

    push.push.changes = [];
    expectIgnored(only('BITBUCKET', 'repo:push', push), 'no changes');
  });
});

describe('malformed payloads are ignored with the missing fields named, never thrown', () => {
  const malformed: [WebhookForge, string, () => unknown, string][] = [
    ['GITHUB', 'push', () => ({ ...contract('github/webhooks/push.branch.1.json'), repository: undefined }), 'repository'],
    [
      'GITHUB',
      'pull_request',
      () => {
        const payload = contract('github/webhooks/pull_request.opened.1.json');
        delete payload.pull_request.head.sha;
        return payload;
      },
      'pull_request.head.sha',
    ],
    ['GITHUB', 'installation', () => ({ action: 'created', installation: { id: 'not-a-number' } }), 'installation.id'],
    ['GITHUB', 'pull_request', () => null, 'GitHub pull_request'],
    ['GITHUB', 'ping', () => 'zen', 'GitHub ping'],
    [
      'GITLAB',
      'Merge Request Hook',
      () => {
        const payload = fixture('gitlab/merge-request-hook.json');
        delete payload.object_attributes.last_commit;
        return payload;
      },
      'object_attributes.last_commit',
    ],
    ['GITLAB', 'Push Hook', () => ({ ...contract('gitlab/webhooks/push.json'), total_commits_count: '4' }), 'total_commits_count'],
    ['GITLAB', 'Merge Request Hook', () => [], 'GitLab Merge Request Hook'],
    ['GITEA', 'push', () => ({ ...contract('gitea/webhooks/push.json'), commits: 'many' }), 'commits'],
    [
      'GITEA',
      'pull_request',
      () => {
        const payload = fixture('gitea/pull-request-opened.json');
        payload.action = 'synchronized';
        delete payload.pull_request.head.repo_id;
        return payload;
      },
      'pull_request.head.repo_id',
    ],
    ['BITBUCKET', 'repo:push', () => ({ repository: { full_name: 'a/b' } }), 'push'],
    [
      'BITBUCKET',
      'pullrequest:updated',
      () => {
        const payload = fixture('bitbucket/pullrequest-created.json');
        delete payload.pullrequest.source.commit;
        return payload;
      },
      'pullrequest.source.commit',
    ],
  ];

  it.each(malformed)('%s %s', (forge, event, payload, field) => {
    const [parsed, ...rest] = parseDelivery(forge, event, payload());
    expect(rest).toEqual([]);
    expectIgnored(parsed!, field, 'lacks what forgegraph needs');
  });

  const events: [WebhookForge, string][] = [
    ['GITHUB', 'push'],
    ['GITHUB', 'pull_request'],
    ['GITHUB', 'installation'],
    ['GITHUB', 'installation_repositories'],
    ['GITLAB', 'Push Hook'],
    ['GITLAB', 'Tag Push Hook'],
    ['GITLAB', 'Merge Request Hook'],
    ['GITEA', 'push'],
    ['GITEA', 'pull_request'],
    ['BITBUCKET', 'repo:push'],
    ['BITBUCKET', 'pullrequest:created'],
  ];
  const junk: unknown[] = [undefined, null, 0, 'text', [], {}, { action: 5 }, { action: 'opened' }, { object_attributes: null }, { push: { changes: [null] } }];

  it.each(events)('%s %s: any junk payload becomes one ignored entry', (forge, event) => {
    for (const payload of junk) {
      const parsed = parseDelivery(forge, event, payload);
      expect(parsed).toHaveLength(1);
      expect(parsed[0]).toMatchObject({ kind: 'ignored', reason: expect.any(String) });
    }
  });
});

describe('unknown events are ignored, naming the event', () => {
  it.each([
    ['GITHUB', 'issues'],
    ['GITHUB', 'create'],
    ['GITHUB', 'check_suite'],
    ['GITLAB', 'Issue Hook'],
    ['GITLAB', 'System Hook'],
    ['GITLAB', 'Pipeline Hook'],
    ['GITEA', 'issues'],
    ['GITEA', 'release'],
    ['BITBUCKET', 'repo:fork'],
    ['BITBUCKET', 'issue:created'],
  ] as const)('%s %s', (forge, event) => {
    expectIgnored(only(forge, event, {}), `'${event}'`);
  });

  it('a forge it does not know', () => {
    expectIgnored(only('SVN' as WebhookForge, 'commit', {}), "'SVN'");
  });
});
