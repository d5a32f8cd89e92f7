import type { FakeBranch, FakeProject } from './data.js';
import { examples, type JsonObject } from './examples.js';
import { gitBranchesContaining, gitCommit, type FakeCommit } from './git-data.js';

/** Commits as the fake GitLab knows them: read from the project's real repository, or made up for a seeded branch head. */
export type { FakeCommit };

const FULL_SHA = /^[0-9a-f]{40}$/;
const SHORT_SHA = /^[0-9a-f]{7,40}$/;

/**
 * The commit a `:sha` path parameter names (lib/api/commits.rb "Get a single commit": "the commit hash or name of a
 * repository branch or tag"; Gitaly resolves any revision). A seeded project knows only its branch heads.
 */
export function findCommit(project: FakeProject, ref: string): FakeCommit | null {
  // An option-looking revision is no ref at all (and must not reach git's command line).
  if (!ref || ref.startsWith('-')) return null;
  if (project.git) return gitCommit(project.git, ref);
  const lower = ref.toLowerCase();
  const branch =
    project.branches.find((b) => b.name === ref) ??
    (SHORT_SHA.test(lower) ? project.branches.find((b) => b.sha === lower || (!FULL_SHA.test(lower) && b.sha.startsWith(lower))) : undefined);
  return branch ? seededCommit(branch) : null;
}

/** The branches (by name) whose history contains `sha`: where GitLab attaches a status posted without `ref`. */
export function branchesContaining(project: FakeProject, sha: string): string[] {
  if (project.git) return gitBranchesContaining(project.git, sha);
  return project.branches.filter((b) => b.sha === sha).map((b) => b.name);
}

/** The commit at a branch head (one of branchesOf(project)). */
export function branchCommit(project: FakeProject, branch: FakeBranch): FakeCommit {
  return project.git ? gitCommit(project.git, branch.sha)! : seededCommit(branch);
}

/** lib/api/entities/commit.rb, from the contract's branch example. */
export function renderCommit(commit: FakeCommit, projectWebUrl: string): JsonObject {
  const example = (examples.branch as { commit: JsonObject }).commit;
  const title = commit.message.split('\n')[0] ?? '';
  return {
    ...structuredClone(example),
    id: commit.sha,
    short_id: commit.sha.slice(0, 8),
    created_at: commit.committedAt.toISOString(),
    parent_ids: commit.parents,
    title,
    message: commit.message,
    author_name: commit.authorName,
    author_email: commit.authorEmail,
    authored_date: commit.authoredAt.toISOString(),
    committer_name: commit.committerName,
    committer_email: commit.committerEmail,
    committed_date: commit.committedAt.toISOString(),
    web_url: `${projectWebUrl}/-/commit/${commit.sha}`,
  };
}

/**
 * lib/api/entities/commit_detail.rb: the commit plus `stats` (the endpoint's `stats` parameter defaults to true),
 * `status`, `project_id` and `last_pipeline`. Pipelines are not modelled, so the last two say there is none.
 */
export function renderCommitDetail(commit: FakeCommit, project: FakeProject, projectWebUrl: string, withStats: boolean): JsonObject {
  const { additions, deletions } = commit.stats;
  return {
    ...renderCommit(commit, projectWebUrl),
    ...(withStats ? { stats: { additions, deletions, total: additions + deletions } } : {}),
    status: null,
    project_id: project.id,
    last_pipeline: null,
  };
}

function seededCommit(branch: FakeBranch): FakeCommit {
  const example = (examples.branch as { commit: { author_name: string; author_email: string } }).commit;
  return {
    sha: branch.sha,
    parents: [],
    message: `Update ${branch.name}`,
    authorName: example.author_name,
    authorEmail: example.author_email,
    authoredAt: branch.committedAt,
    committerName: example.author_name,
    committerEmail: example.author_email,
    committedAt: branch.committedAt,
    stats: { additions: 0, deletions: 0 },
  };
}
