import type { FakeRequest, FakeResponse } from '../fake-server.js';
import { branchesContaining, findCommit } from './commits.js';
import type { FakeProject, FakeUser } from './data.js';

/**
 * `POST /projects/:id/statuses/:sha` as GitLab implements it (lib/api/commit_statuses.rb,
 * app/services/ci/create_commit_status_service.rb, app/models/commit_status.rb):
 * - params: `state` required, one of pending|running|success|failed|canceled|skipped (else Grape's 400
 *   `{"error":"state does not have a valid value"}`, or `state is missing`); `ref`, `name` or `context`
 *   (default "default"), `target_url` (http(s), at most 255 characters: else 400 with the validation messages),
 *   `description`, `coverage`;
 * - 404 `Commit Not Found` for an unknown sha; without `ref`, the status goes to the first branch containing
 *   the commit, and with none, 404 `References for commit Not Found`;
 * - a pending or running status of the same name, ref and user is updated; otherwise a new one is created. The
 *   state is then reached through the state machine (pending: enqueue; running: enqueue then run; success;
 *   failed: drop; canceled: cancel; skipped: skip), and an impossible transition is 400 `Cannot transition
 *   status via :enqueue from :pending …` (posting pending twice, or running twice);
 * - 201 with the CommitStatus entity (lib/api/entities/commit_status.rb).
 */
export type JobStatus = 'created' | 'pending' | 'running' | 'success' | 'failed' | 'canceled' | 'skipped';

export interface FakeCommitStatus {
  id: number;
  projectId: number;
  pipelineId: number;
  sha: string;
  ref: string;
  /** GitLab's `name` (GitHub's `context`). */
  name: string;
  status: JobStatus;
  description: string | null;
  targetUrl: string | null;
  coverage: number | null;
  userId: number;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** Replaced by a newer status of the same name (GitLab's `retried`). */
  retried: boolean;
}

const STATES = ['pending', 'running', 'success', 'failed', 'canceled', 'skipped'] as const;
type Event = 'enqueue' | 'run' | 'success' | 'drop' | 'cancel' | 'skip';
/** The slice of CommitStatus's state machine a generic (external) status can take. */
const TRANSITIONS: Record<Event, { from: JobStatus[]; to: JobStatus }> = {
  enqueue: { from: ['created', 'skipped'], to: 'pending' },
  run: { from: ['pending'], to: 'running' },
  success: { from: ['created', 'pending', 'running'], to: 'success' },
  drop: { from: ['created', 'pending', 'running'], to: 'failed' },
  cancel: { from: ['created', 'pending', 'running'], to: 'canceled' },
  skip: { from: ['created', 'pending'], to: 'skipped' },
};
const JSON_TYPE = { 'content-type': 'application/json' };

class InvalidTransition extends Error {}

export interface CommitStatusHost {
  now(): Date;
  renderAuthor(user: FakeUser): unknown;
}

export class GitLabCommitStatuses {
  /** Every status GitLab holds, in creation order (updated in place as GitLab updates a pending or running one). */
  readonly all: FakeCommitStatus[] = [];
  private readonly pipelines = new Map<string, number>();
  private nextId = 9001;
  private nextPipelineId = 501;

  constructor(private readonly host: CommitStatusHost) {}

  /** What `GET …/repository/commits/:sha/statuses` lists: the latest status of each name on a commit. */
  latest(project: FakeProject, sha: string): FakeCommitStatus[] {
    return this.all.filter((s) => s.projectId === project.id && s.sha === sha && !s.retried);
  }

  clear(): void {
    this.all.length = 0;
  }

  /** The route, once the caller is authenticated (with the `api` scope) and the project found and writable. */
  post(request: FakeRequest, project: FakeProject, user: FakeUser, sha: string): FakeResponse {
    const params = requestParams(request);
    const state = params.state;
    if (state === undefined || state === '') return grapeError('state is missing');
    if (!(STATES as readonly string[]).includes(state)) return grapeError('state does not have a valid value');

    const commit = findCommit(project, sha);
    if (!commit) return notFound('Commit');
    const ref = params.ref || branchesContaining(project, commit.sha)[0];
    if (!ref) return notFound('References for commit');
    const name = params.name || params.context || 'default';

    const pipelineKey = `${project.id}:${commit.sha}:${ref}`;
    const pipelineId = this.pipelines.get(pipelineKey) ?? this.nextPipelineId++;
    this.pipelines.set(pipelineKey, pipelineId);
    const existing = this.all.find(
      (s) => s.pipelineId === pipelineId && s.name === name && s.userId === user.id && !s.retried && (s.status === 'pending' || s.status === 'running'),
    );
    const job: FakeCommitStatus = existing
      ? { ...existing }
      : {
          id: this.nextId++,
          projectId: project.id,
          pipelineId,
          sha: commit.sha,
          ref,
          name,
          status: 'created',
          description: null,
          targetUrl: null,
          coverage: null,
          userId: user.id,
          createdAt: this.host.now(),
          startedAt: null,
          finishedAt: null,
          retried: false,
        };
    // Only these are updatable on an existing status; each is kept when not sent.
    if (params.target_url !== undefined) job.targetUrl = params.target_url;
    if (params.description !== undefined) job.description = params.description;
    if (params.coverage !== undefined) job.coverage = Number(params.coverage);
    const invalid = validationErrors(job);
    if (invalid) return { status: 400, headers: JSON_TYPE, body: { message: invalid } };

    try {
      this.apply(job, state as (typeof STATES)[number]);
    } catch (error) {
      if (error instanceof InvalidTransition) return { status: 400, headers: JSON_TYPE, body: { message: error.message } };
      throw error;
    }
    if (existing) Object.assign(existing, job);
    else {
      for (const older of this.all) if (older.pipelineId === pipelineId && older.name === name) older.retried = true;
      this.all.push(job);
    }
    return { status: 201, headers: JSON_TYPE, body: this.render(job, user) };
  }

  private apply(job: FakeCommitStatus, state: (typeof STATES)[number]): void {
    switch (state) {
      case 'pending':
        return this.fire(job, 'enqueue', true);
      case 'running':
        // `job.enqueue` (no bang): a status that cannot be enqueued stays as it is, then `run!` decides.
        this.fire(job, 'enqueue', false);
        return this.fire(job, 'run', true);
      case 'success':
        return this.fire(job, 'success', true);
      case 'failed':
        return this.fire(job, 'drop', true);
      case 'canceled':
        return this.fire(job, 'cancel', true);
      case 'skipped':
        return this.fire(job, 'skip', true);
    }
  }

  private fire(job: FakeCommitStatus, event: Event, bang: boolean): void {
    const transition = TRANSITIONS[event];
    if (!transition.from.includes(job.status)) {
      if (!bang) return;
      throw new InvalidTransition(`Cannot transition status via :${event} from :${job.status} (Reason(s): Status cannot transition via "${event}")`);
    }
    const now = this.host.now();
    if (transition.to === 'running') job.startedAt = now;
    if (transition.to === 'success' || transition.to === 'failed' || transition.to === 'canceled') job.finishedAt = now;
    job.status = transition.to;
  }

  private render(job: FakeCommitStatus, user: FakeUser): unknown {
    return {
      id: job.id,
      sha: job.sha,
      ref: job.ref,
      status: job.status,
      name: job.name,
      target_url: job.targetUrl,
      description: job.description,
      created_at: job.createdAt.toISOString(),
      started_at: job.startedAt?.toISOString() ?? null,
      finished_at: job.finishedAt?.toISOString() ?? null,
      allow_failure: false,
      coverage: job.coverage,
      pipeline_id: job.pipelineId,
      author: this.host.renderAuthor(user),
    };
  }
}

/** Grape reads parameters from the query string and a JSON or form body alike. */
function requestParams(request: FakeRequest): Record<string, string | undefined> {
  const params: Record<string, string | undefined> = Object.fromEntries(request.url.searchParams);
  const type = String(request.headers['content-type'] ?? '');
  if (type.includes('application/json') && request.body) {
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(request.body) as Record<string, unknown>;
    } catch {
      // Rack answers a malformed body with its own 400 before Grape; no parameters is close enough here.
    }
    for (const [key, value] of Object.entries(body)) params[key] = value === null ? undefined : String(value);
  } else if (type.includes('application/x-www-form-urlencoded')) {
    for (const [key, value] of new URLSearchParams(request.body)) params[key] = value;
  }
  return params;
}

/** GenericCommitStatus: `validates :target_url, addressable_url: true, length: { maximum: 255 }, allow_nil: true`. */
function validationErrors(job: FakeCommitStatus): Record<string, string[]> | null {
  if (job.targetUrl === null) return null;
  const errors: string[] = [];
  let url: URL | null = null;
  try {
    url = new URL(job.targetUrl);
  } catch {
    errors.push('is blocked: URI is invalid');
  }
  if (url && url.protocol !== 'http:' && url.protocol !== 'https:') errors.push('is blocked: Only allowed schemes are http, https');
  if (job.targetUrl.length > 255) errors.push('is too long (maximum is 255 characters)');
  return errors.length ? { target_url: errors } : null;
}

function grapeError(error: string): FakeResponse {
  return { status: 400, headers: JSON_TYPE, body: { error } };
}

function notFound(what: string): FakeResponse {
  return { status: 404, headers: JSON_TYPE, body: { message: `404 ${what} Not Found` } };
}
