import type { FakeRequest } from '../fake-server.js';
import type { Json } from './contract.js';

/** One status as Gitea stores it (models/git/commit_status.go CommitStatus). */
export interface FakeGiteaCommitStatus {
  /** Gitea's per-commit `Index`, which the API reports as `id` (1, 2, … for each commit). */
  id: number;
  repository: string;
  /** Always the full commit id, whatever the request's path named. */
  sha: string;
  /** Gitea's own vocabulary: pending, success, error, failure, warning (stored as sent, see below). */
  state: string;
  context: string;
  description: string;
  targetUrl: string;
  creator: string;
  createdAt: Date;
}

export interface CreateStatusOption {
  state: string;
  context: string;
  description: string;
  targetUrl: string;
}

/**
 * The request body as Gitea's `bind(api.CreateStatusOption{})` reads a JSON body (gitea.com/go-chi/binding):
 * no Content-Type is "Empty Content-Type"; Go's encoding/json rules apply (keys matched case-insensitively,
 * unknown keys ignored, an empty body leaves every field empty, a value of the wrong type is an error). A
 * failure is the 422 `validationError` message. CreateStatusOption has no binding tags, so nothing else is
 * checked. Form bodies (also accepted by Gitea) are not modelled: `unsupported` says so.
 */
export function readCreateStatusOption(request: FakeRequest): CreateStatusOption | { error: string } | { unsupported: string } {
  const contentType = String(request.headers['content-type'] ?? '');
  const fields: Record<string, unknown> = {};
  if (contentType === '') return { error: '[]: Empty Content-Type' };
  if (contentType.includes('json')) {
    if (request.body.trim() !== '') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(request.body);
      } catch {
        return { error: '[]: invalid character in JSON body' };
      }
      if (parsed === null) return option({});
      if (typeof parsed !== 'object' || Array.isArray(parsed)) {
        return { error: `[]: json: cannot unmarshal ${Array.isArray(parsed) ? 'array' : typeof parsed} into Go value of type structs.CreateStatusOption` };
      }
      for (const [key, value] of Object.entries(parsed)) fields[key.toLowerCase()] = value;
    }
  } else if (/form-urlencoded|multipart\/form-data/.test(contentType)) {
    return { unsupported: `FakeGitea reads JSON status bodies only, not ${contentType}` };
  } else {
    return { error: '[]: Unsupported Content-Type' };
  }
  for (const key of ['state', 'context', 'description', 'target_url']) {
    const value = fields[key];
    if (value !== undefined && value !== null && typeof value !== 'string') {
      return { error: `[]: json: cannot unmarshal ${typeof value} into Go struct field CreateStatusOption.${key} of type string` };
    }
  }
  return option(fields as Record<string, string | undefined>);
}

function option(fields: Record<string, string | null | undefined>): CreateStatusOption {
  return { state: fields.state ?? '', context: fields.context ?? '', description: fields.description ?? '', targetUrl: fields.target_url ?? '' };
}

/**
 * Gitea does not check `state` against the swagger enum (NewCommitStatus stores what it is given), but the
 * column is VARCHAR(7): on PostgreSQL or MySQL a longer value fails the INSERT, which the API answers with 500.
 */
export const STATE_COLUMN_LENGTH = 7;

/** The statuses posted to a FakeGitea, in order; NewCommitStatus trims the text fields. */
export class GiteaCommitStatuses {
  readonly all: FakeGiteaCommitStatus[] = [];

  record(repository: string, sha: string, option: CreateStatusOption, creator: string): FakeGiteaCommitStatus {
    const status: FakeGiteaCommitStatus = {
      id: this.all.filter((s) => s.repository === repository && s.sha === sha).length + 1,
      repository,
      sha,
      state: option.state,
      context: option.context.trim(),
      description: option.description.trim(),
      targetUrl: option.targetUrl.trim(),
      creator,
      createdAt: new Date(),
    };
    this.all.push(status);
    return status;
  }

  /** The statuses of a repository (case-insensitive `owner/name`), optionally of one commit. */
  of(repository: string, sha?: string): FakeGiteaCommitStatus[] {
    return this.all.filter((s) => s.repository.toLowerCase() === repository.toLowerCase() && (sha === undefined || s.sha === sha));
  }

  clear(): void {
    this.all.length = 0;
  }
}

/** convert.ToCommitStatus: `id` is the index, `status` the state, `updated_at` the creation time. */
export function commitStatusBody(status: FakeGiteaCommitStatus, rootUrl: string, creator: Json): Json {
  const created = status.createdAt.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    id: status.id,
    status: status.state,
    target_url: status.targetUrl,
    description: status.description,
    url: `${rootUrl}api/v1/repos/${status.repository}/statuses/${status.sha}`,
    context: status.context,
    creator,
    created_at: created,
    updated_at: created,
  };
}
