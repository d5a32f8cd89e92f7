import type { OpenApi } from '@coderabbitai/bitbucket/cloud';

/** Bitbucket's own shapes, from the client's types of the official spec. Used only in this folder. */
type Schemas = OpenApi.components['schemas'];
export type WireRepository = Schemas['repository'];
export type WireBranch = Schemas['branch'];
export type WireAccount = Schemas['account'];
export type WireWorkspaceMembership = Schemas['workspace_membership'];
export type WireBranchRestriction = Schemas['branchrestriction'];
