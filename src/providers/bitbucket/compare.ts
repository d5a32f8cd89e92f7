import { ForgeNotFoundError } from '../errors.js';
import type { BitbucketApi } from './client.js';
import { FORGE, type Subject } from './errors.js';
import { repositoryPath } from './repository-name.js';

/** What the diffstat spec takes as a commit here ([0-9a-f]{7,} in the spec; git's longest is 40). */
const SHA = /^[0-9a-f]{7,40}$/i;

/**
 * Every path that differs between `base` and `head`: GET /repositories/{workspace}/{repo_slug}/diffstat/{head}..{base}
 * (the spec puts the commit with the changes first, the opposite of git diff), every page by its `next`. With
 * `topic=false` it is the plain two-dot diff of the two commits, not the diff from their merge base (a force push's
 * base need not be an ancestor). Rename detection stays on (the default): a rename counts its old and new path.
 */
export async function changedFiles(bb: BitbucketApi, repository: string, base: string, head: string): Promise<string[]> {
  const path = repositoryPath(repository);
  for (const sha of [base, head]) {
    if (!SHA.test(sha)) throw new ForgeNotFoundError(`${FORGE} compares commits by their sha; "${sha.slice(0, 100)}" is not one`);
  }
  const subject: Subject = { kind: 'range', repository: `${path.workspace}/${path.repo_slug}`, base, head };
  const params = { path: { ...path, spec: `${head}..${base}` } };
  const paths = new Set<string>();
  let { data } = await bb.call(subject, () => bb.client.GET('/repositories/{workspace}/{repo_slug}/diffstat/{spec}', { params: { ...params, query: { topic: false } } }));
  for (;;) {
    for (const entry of data.values ?? []) for (const file of [entry.old, entry.new]) if (file?.path) paths.add(file.path);
    if (!data.next) return [...paths];
    const fetch = bb.following(data.next);
    ({ data } = await bb.call(subject, () => bb.client.GET('/repositories/{workspace}/{repo_slug}/diffstat/{spec}', { params, fetch })));
  }
}
