import { ForgeNotFoundError } from '../errors.js';
import type { ForgeAdapter } from '../types.js';
import type { GitLabCall, GitLabClient } from './client.js';
import type { GitLabConfig } from './config.js';
import { projectRef } from './project-ref.js';

/** The fields of GitLab's Compare entity (lib/api/entities/compare.rb) the adapter reads. */
interface GitLabCompare {
  diffs?: { old_path: string; new_path: string }[];
  /** The diff overflowed the instance's diff limits (Gitlab::Git::DiffCollection#overflow?): `diffs` is cut short. */
  compare_timeout?: boolean;
}

/** GitLab's TreeObject (lib/api/entities/tree_object.rb). */
interface GitLabTreeObject {
  id: string;
  type: string;
  path: string;
  mode: string;
}

/**
 * Every path that differs between `base` and `head` (a rename counts with both its paths): GitLab's compare with
 * `straight=true` (`base..head`, the two commits themselves rather than `head` against the merge base, so a force
 * push counts what it removed too). Its diffs stop at the instance's diff limits (by default 1000 files or 50,000
 * lines; `compare_timeout` then says so); past them the two commits' recursive trees (`GET …/repository/tree`, every
 * keyset page, `ref` resolved as a commit by Repositories::TreeFinder) are compared file by file instead.
 */
export function gitLabChanges(call: GitLabCall, connect: () => GitLabConfig): Pick<ForgeAdapter, 'changedFiles'> {
  return {
    async changedFiles(repository, base, head) {
      connect();
      const { name, id } = projectRef(repository);
      const [from, to] = [base.trim(), head.trim()];
      if (!from || !to) throw new ForgeNotFoundError(`No commits of GitLab project "${name}" to compare: a ref is empty`);
      const target = { kind: 'compare', project: name, from, to } as const;
      const comparison = await call(target, async (client) => (await client.repositories.compare(id, from, to, { straight: true })) as unknown as GitLabCompare);
      if (!comparison.compare_timeout) {
        return [...new Set((comparison.diffs ?? []).flatMap((diff) => [diff.old_path, diff.new_path]))];
      }
      const [before, after] = await call(target, (client) => Promise.all([files(client, id, from), files(client, id, to)]));
      return [...new Set([...before.keys(), ...after.keys()])].filter((path) => before.get(path) !== after.get(path)).sort();
    },
  };
}

/** The files (blobs and submodules) of a commit's tree, each with its mode and object id. */
async function files(client: GitLabClient, projectId: string | number, ref: string): Promise<Map<string, string>> {
  const entries = (await client.repositories.allRepositoryTrees(projectId, { ref, recursive: true, pagination: 'keyset', perPage: 100 } as never)) as unknown as GitLabTreeObject[];
  return new Map(entries.filter((entry) => entry.type !== 'tree').map((entry) => [entry.path, `${entry.mode} ${entry.id}`]));
}
