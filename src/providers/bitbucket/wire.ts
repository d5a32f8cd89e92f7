import type { OpenApi } from '@coderabbitai/bitbucket/cloud';

/** Bitbucket's own shapes, from the client's types of the official spec. Used only in this folder. */
type Schemas = OpenApi.components['schemas'];
export type WireRepository = Schemas['repository'];
export type WireBranch = Schemas['branch'];
export type WireAccount = Schemas['account'];
export type WireWorkspaceMembership = Schemas['workspace_membership'];
export type WireBranchRestriction = Schemas['branchrestriction'];
/**
 * A commit, with the fields of the spec's `base_commit`. The generated `commit` type loses them (it is an
 * `Omit` over a type with an index signature), so they are spelled out here.
 */
export interface WireCommit {
  hash?: string;
  date?: string;
  message?: string;
  author?: { raw?: string; user?: { display_name?: string } };
  links?: { html?: { href?: string } };
}
export type WireCommitStatus = Schemas['commitstatus'];
