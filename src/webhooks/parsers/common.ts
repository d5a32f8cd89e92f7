import type { z } from 'zod';
import type { IgnoredEvent, ParsedDelivery } from '../events.js';

export function ignored(reason: string): IgnoredEvent {
  return { kind: 'ignored', reason };
}

/** The payload as `schema` reads it, or the delivery ignored with the fields that were missing or malformed. */
export function readPayload<T extends z.ZodTypeAny>(
  schema: T,
  payload: unknown,
  what: string,
): { ok: true; data: z.output<T> } | { ok: false; ignored: [ParsedDelivery] } {
  const result = schema.safeParse(payload);
  if (result.success) return { ok: true, data: result.data };
  const issues = result.error.issues.slice(0, 3).map((issue) => `${issue.path.join('.') || '(payload)'}: ${issue.message}`);
  const more = result.error.issues.length > 3 ? ` (and ${result.error.issues.length - 3} more)` : '';
  return { ok: false, ignored: [ignored(`${what} payload lacks what forgegraph needs: ${issues.join('; ')}${more}`)] };
}

const ZERO_SHA = /^0+$/;

/** A commit sha, or null for the all-zero sha git uses for "no commit" (a created or deleted ref). */
export function shaOrNull(sha: string | null | undefined): string | null {
  return !sha || ZERO_SHA.test(sha) ? null : sha;
}

export function refOf(ref: string): { refType: 'branch' | 'tag'; refName: string } | null {
  if (ref.startsWith('refs/heads/') && ref.length > 'refs/heads/'.length) return { refType: 'branch', refName: ref.slice('refs/heads/'.length) };
  if (ref.startsWith('refs/tags/') && ref.length > 'refs/tags/'.length) return { refType: 'tag', refName: ref.slice('refs/tags/'.length) };
  return null;
}

export interface CommitFiles {
  added?: string[] | null | undefined;
  modified?: string[] | null | undefined;
  removed?: string[] | null | undefined;
}

/** Every path the commits touch, in the order they first appear. */
export function filesOf(commits: CommitFiles[]): string[] {
  const files = new Set<string>();
  for (const commit of commits) {
    for (const path of [...(commit.added ?? []), ...(commit.modified ?? []), ...(commit.removed ?? [])]) files.add(path);
  }
  return [...files];
}
