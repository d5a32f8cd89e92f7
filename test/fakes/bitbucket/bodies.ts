import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { TestGitRepository } from '../git/repository.js';

/** Response bodies built from the contract examples (see contract/SOURCES.md): load, clone, override. */
function load<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./contract/${name}`, import.meta.url), 'utf8')) as T;
}

type Json = Record<string, unknown> & { [key: string]: any };

const branchesExample = load<Json>('repositories_workspace_repo_slug_refs_branches.get.200.json');
const membershipsExample = load<Json>('user_permissions_workspaces.get.200.json');
const repositoryPermissionsExample = load<Json>('user_permissions_repositories.get.200.json');
const pushExample = load<Json>('repo-push.json');
const errorBodies = load<Json>('error-bodies.json');

/** Where Bitbucket's web pages and git live, for repositories without git data of their own. */
export const BITBUCKET_WEB = 'https://bitbucket.org';

export const RATE_LIMIT_TEXT: string = errorBodies['429 (support.atlassian.com KB \'Bitbucket Cloud Rate Limit Troubleshooting\')']._body_text;

export interface SeedUser {
  nickname: string;
  displayName: string;
  accountId: string;
  uuid: string;
}

export interface SeedWorkspace {
  slug: string;
  name: string;
  uuid: string;
  /** The user's permission in it, or null when the user is not a member. */
  permission: 'owner' | 'member' | 'collaborator' | null;
}

export interface SeedRepository {
  workspace: string;
  slug: string;
  name: string;
  uuid: string;
  isPrivate: boolean;
  mainbranch: string;
  createdOn: string;
  updatedOn: string;
  branches: SeedBranch[];
  restrictions: SeedRestriction[];
  /** The user's permission on the repository; by default `admin` in a workspace they own, else `write`. */
  permission?: 'read' | 'write' | 'admin';
  /** Other accounts and their effective permission on the repository (direct, group or workspace). */
  members?: { user: SeedUser; permission: 'read' | 'write' | 'admin' }[];
  /** Real git data: branches, tags and commits come from it, and it is served over git's smart HTTP. */
  git?: TestGitRepository;
}

export interface SeedBranch {
  name: string;
  hash: string;
  date: string;
}

export interface SeedRestriction {
  id: number;
  kind: string;
  pattern: string;
}

export function sha(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

export function errorBody(message: string): Json {
  return { type: 'error', error: { message } };
}

/** GET /user: the documented actor, completed with the swagger `user` fields. */
export function userBody(user: SeedUser, api: string): Json {
  const body = structuredClone(pushExample.actor) as Json;
  const encoded = encodeURIComponent(user.uuid);
  return {
    ...body,
    type: 'user',
    nickname: user.nickname,
    display_name: user.displayName,
    account_id: user.accountId,
    uuid: user.uuid,
    account_status: 'active',
    created_on: '2019-03-07T12:35:02.900024+00:00',
    is_staff: false,
    has_2fa_enabled: null,
    links: {
      ...body.links,
      self: { href: `${api}/users/${encoded}` },
      html: { href: `https://bitbucket.org/${encoded}/` },
      repositories: { href: `${api}/repositories/${encoded}` },
    },
  };
}

/** A `workspace_membership` from the swagger example, for the user and one workspace. */
export function membershipBody(user: SeedUser, workspace: SeedWorkspace, api: string): Json {
  const body = structuredClone(membershipsExample.values[0]) as Json;
  body.permission = workspace.permission;
  body.user = { ...body.user, display_name: user.displayName, nickname: user.nickname, uuid: user.uuid, account_id: user.accountId };
  body.workspace = { ...body.workspace, name: workspace.name, slug: workspace.slug, uuid: workspace.uuid };
  body.links = { self: { href: `${api}/workspaces/${workspace.slug}/members/${encodeURIComponent(user.uuid)}` } };
  return body;
}

/** A `repository_permission` from the swagger example of GET /user/permissions/repositories, for one user and repository. */
export function repositoryPermissionBody(user: SeedUser, permission: string, repo: SeedRepository, api: string): Json {
  const body = structuredClone(repositoryPermissionsExample.values[0]) as Json;
  const fullName = `${repo.workspace}/${repo.slug}`;
  body.permission = permission;
  body.user = { ...body.user, display_name: user.displayName, nickname: user.nickname, uuid: user.uuid, account_id: user.accountId };
  body.repository = { ...body.repository, full_name: fullName, name: repo.name, uuid: repo.uuid, links: { self: { href: `${api}/repositories/${fullName}` } } };
  return body;
}

/**
 * A `repository`: the documented push payload's repository, completed with the swagger fields (and `slug`,
 * `workspace`). `web` is where its pages and git live (bitbucket.org, or the fake itself for a git repository).
 */
export function repositoryBody(repo: SeedRepository, workspace: SeedWorkspace, user: SeedUser, api: string, web = BITBUCKET_WEB): Json {
  const webUrl = new URL(web);
  const body = structuredClone(pushExample.repository) as Json;
  const fullName = `${repo.workspace}/${repo.slug}`;
  return {
    ...body,
    type: 'repository',
    uuid: repo.uuid,
    full_name: fullName,
    name: repo.name,
    slug: repo.slug,
    scm: 'git',
    is_private: repo.isPrivate,
    description: '',
    website: null,
    language: 'typescript',
    has_issues: false,
    has_wiki: false,
    fork_policy: 'no_public_forks',
    size: 1024 * (repo.branches.length + 1),
    created_on: repo.createdOn,
    updated_on: repo.updatedOn,
    mainbranch: { type: 'branch', name: repo.mainbranch },
    owner: { type: 'team', display_name: workspace.name, uuid: workspace.uuid, username: workspace.slug },
    workspace: { type: 'workspace', slug: workspace.slug, name: workspace.name, uuid: workspace.uuid, links: { self: { href: `${api}/workspaces/${workspace.slug}` } } },
    project: { type: 'project', key: 'PROJ', name: 'Project', uuid: '{6a4f3e3c-1b0f-4c1a-9d43-2f0f5a6a7b8c}' },
    links: {
      ...body.links,
      self: { href: `${api}/repositories/${fullName}` },
      html: { href: `${web}/${fullName}` },
      commits: { href: `${api}/repositories/${fullName}/commits` },
      hooks: { href: `${api}/repositories/${fullName}/hooks` },
      // Bitbucket writes the caller's username into the https link.
      clone: [
        { name: 'https', href: `${webUrl.protocol}//${user.nickname}@${webUrl.host}/${fullName}.git` },
        { name: 'ssh', href: `git@${webUrl.hostname}:${fullName}.git` },
      ],
    },
  };
}

/** The `commit` of the swagger example of GET …/refs/branches (a branch's `target`). */
export function exampleCommit(): Json {
  return structuredClone(branchesExample.values[0].target) as Json;
}

/** A `branch` from the swagger example of GET …/refs/branches, renamed and retargeted. */
export function branchBody(branch: SeedBranch, repo: SeedRepository, api: string, web = BITBUCKET_WEB): Json {
  const body = structuredClone(branchesExample.values[0]) as Json;
  const fullName = `${repo.workspace}/${repo.slug}`;
  body.name = branch.name;
  body.links = {
    commits: { href: `${api}/repositories/${fullName}/commits/${branch.name}` },
    html: { href: `${web}/${fullName}/branch/${branch.name}` },
    self: { href: `${api}/repositories/${fullName}/refs/branches/${branch.name}` },
  };
  body.target = {
    ...body.target,
    hash: branch.hash,
    date: branch.date,
    links: { self: { href: `${api}/repositories/${fullName}/commit/${branch.hash}` }, html: { href: `${web}/${fullName}/commits/${branch.hash}` } },
    repository: { ...body.target.repository, full_name: fullName, name: repo.name, uuid: repo.uuid, links: { self: { href: `${api}/repositories/${fullName}` }, html: { href: `${web}/${fullName}` } } },
  };
  return body;
}

/** A `branchrestriction` per the official spec's schema ([synth]: the contract has no example). */
export function restrictionBody(restriction: SeedRestriction, repo: SeedRepository, api: string): Json {
  return {
    type: 'branchrestriction',
    id: restriction.id,
    kind: restriction.kind,
    branch_match_kind: 'glob',
    pattern: restriction.pattern,
    users: [],
    groups: [],
    links: { self: { href: `${api}/repositories/${repo.workspace}/${repo.slug}/branch-restrictions/${restriction.id}` } },
  };
}
