import { readFileSync } from 'node:fs';

/**
 * Response bodies built from the contract's examples (../shared/contracts/github/: spec examples and
 * error bodies): each example is loaded, its github.com URLs moved to the fake's base, then fields overridden.
 */
const CONTRACT = new URL('../../../../shared/contracts/github/', import.meta.url);

function load<T>(relative: string): T {
  return JSON.parse(readFileSync(new URL(relative, CONTRACT), 'utf8')) as T;
}

type Json = Record<string, unknown>;

const examples = {
  app: load<Json>('examples/GET_app.200.json'),
  installation: load<Json>('examples/GET_app_installations_{installation_id}.200.json'),
  accessToken: load<Json>('examples/POST_app_installations_{installation_id}_access_tokens.201.json'),
  installationRepositories: load<{ total_count: number; repositories: Json[] }>('examples/GET_installation_repositories.200.json'),
  repository: load<Json>('examples/GET_repos_{owner}_{repo}.200.json'),
  branches: load<Json[]>('examples/GET_repos_{owner}_{repo}_branches.200.json'),
  rateLimit: load<Json>('examples/GET_rate_limit.200.json'),
  conversion: load<Json>('examples/POST_app-manifests_{code}_conversions.201.json'),
};
const errorBodies = load<Record<string, unknown>>('error-bodies.json');

/** A basic-error body from error-bodies.json, by its key's leading words (e.g. '404_not_found'). */
export function errorBody(keyPrefix: string, message?: string): Json {
  const key = Object.keys(errorBodies).find((k) => k.startsWith(keyPrefix));
  if (!key) throw new Error(`no error body ${keyPrefix} in the contract`);
  const body = { ...(errorBodies[key] as Json) };
  if (message !== undefined) body.message = message;
  return body;
}

export interface FakeBase {
  /** The web base, e.g. http://127.0.0.1:1234 (Enterprise Server style). */
  web: string;
  /** The API base: `${web}/api/v3`. */
  api: string;
  host: string;
}

export interface Account {
  login: string;
  id: number;
  /** `Bot` is an App acting through an installation token (`<slug>[bot]`). */
  type: 'Organization' | 'User' | 'Bot';
}

/** The example, with octocat/Hello-World and github.com URLs moved to this account, repository and base. */
function rebase<T>(example: T, base: FakeBase, account: Account, fullName?: string): T {
  let text = JSON.stringify(example);
  if (fullName) text = text.replace(/octocat\/Hello-World/gi, fullName);
  text = text
    .replace(/(users\/|orgs\/|github\.com\/)octocat(?=["/{?])/g, `$1${account.login}`)
    .replaceAll('https://api.github.com', base.api)
    .replaceAll('https://github.com', base.web)
    .replaceAll('git:github.com', `git:${base.host}`)
    .replaceAll('git@github.com', `git@${base.host}`);
  return JSON.parse(text) as T;
}

export function accountBody(base: FakeBase, account: Account): Json {
  const owner = rebase(examples.app.owner as Json, base, account);
  return { ...owner, login: account.login, id: account.id, node_id: Buffer.from(`04:${account.type}${account.id}`).toString('base64'), type: account.type };
}

export interface AppRecord {
  id: number;
  slug: string;
  clientId: string;
  name: string;
  permissions: Record<string, string>;
}

export function appBody(base: FakeBase, app: AppRecord, owner: Account, installationsCount: number): Json {
  return {
    ...rebase(examples.app, base, owner),
    id: app.id,
    slug: app.slug,
    client_id: app.clientId,
    node_id: Buffer.from(`011:Integration${app.id}`).toString('base64'),
    owner: accountBody(base, owner),
    name: app.name,
    html_url: `${base.web}/apps/${app.slug}`,
    permissions: app.permissions,
    installations_count: installationsCount,
  };
}

/** POST /app-manifests/{code}/conversions: the `integration` plus client_id, client_secret, webhook_secret and pem. */
export function conversionBody(
  base: FakeBase,
  app: AppRecord,
  owner: Account,
  events: string[],
  credentials: { clientSecret: string; webhookSecret: string | null; pem: string },
): Json {
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    ...rebase(examples.conversion, base, owner),
    ...appBody(base, app, owner, 0),
    events,
    created_at: now,
    updated_at: now,
    client_id: app.clientId,
    client_secret: credentials.clientSecret,
    webhook_secret: credentials.webhookSecret,
    pem: credentials.pem,
  };
}

export interface InstallationRecord {
  id: number;
  account: Account;
  permissions: Record<string, string>;
  suspendedAt: string | null;
}

export function installationBody(base: FakeBase, app: AppRecord, installation: InstallationRecord): Json {
  return {
    ...rebase(examples.installation, base, installation.account),
    id: installation.id,
    account: accountBody(base, installation.account),
    access_tokens_url: `${base.api}/app/installations/${installation.id}/access_tokens`,
    repositories_url: `${base.api}/installation/repositories`,
    html_url: `${base.web}/organizations/${installation.account.login}/settings/installations/${installation.id}`,
    app_id: app.id,
    app_slug: app.slug,
    target_id: installation.account.id,
    target_type: installation.account.type,
    permissions: installation.permissions,
    repository_selection: 'all',
    suspended_at: installation.suspendedAt,
    suspended_by: installation.suspendedAt ? accountBody(base, installation.account) : null,
  };
}

export function accessTokenBody(token: string, expiresAt: Date, installation: InstallationRecord): Json {
  const body: Json = { ...examples.accessToken, token, expires_at: expiresAt.toISOString().replace(/\.\d{3}Z$/, 'Z'), permissions: installation.permissions, repository_selection: 'all' };
  // With repository_selection "all", GitHub lists no repositories in the token response.
  delete body.repositories;
  return body;
}

export interface RepositoryRecord {
  id: number;
  owner: Account;
  name: string;
  isPrivate: boolean;
  defaultBranch: string;
  createdAt: string;
  updatedAt: string;
  pushedAt: string;
  branches: BranchRecord[];
}

export interface BranchRecord {
  name: string;
  sha: string;
  isProtected: boolean;
}

export const fullNameOf = (repository: RepositoryRecord) => `${repository.owner.login}/${repository.name}`;

function repositoryFields(base: FakeBase, repository: RepositoryRecord): Json {
  const fullName = fullNameOf(repository);
  return {
    id: repository.id,
    node_id: Buffer.from(`010:Repository${repository.id}`).toString('base64'),
    name: repository.name,
    full_name: fullName,
    owner: accountBody(base, repository.owner),
    private: repository.isPrivate,
    visibility: repository.isPrivate ? 'private' : 'public',
    fork: false,
    html_url: `${base.web}/${fullName}`,
    url: `${base.api}/repos/${fullName}`,
    clone_url: `${base.web}/${fullName}.git`,
    default_branch: repository.defaultBranch,
    created_at: repository.createdAt,
    updated_at: repository.updatedAt,
    pushed_at: repository.pushedAt,
    permissions: { admin: false, maintain: false, push: false, triage: false, pull: true },
  };
}

/** One entry of GET /installation/repositories (the `repository` schema). */
export function installationRepositoryBody(base: FakeBase, repository: RepositoryRecord): Json {
  const example = examples.installationRepositories.repositories[0]!;
  return { ...rebase(example, base, repository.owner, fullNameOf(repository)), ...repositoryFields(base, repository) };
}

export function installationRepositoriesBody(totalCount: number, repositories: Json[]): Json {
  // Only total_count, repository_selection and the array: octokit.paginate takes the first other key as the items.
  return { total_count: totalCount, repository_selection: 'all', repositories };
}

/** GET /repos/{owner}/{repo} (the `full-repository` schema); not a fork, so no parent/source. */
export function fullRepositoryBody(base: FakeBase, repository: RepositoryRecord): Json {
  const body: Json = { ...rebase(examples.repository, base, repository.owner, fullNameOf(repository)), ...repositoryFields(base, repository) };
  delete body.parent;
  delete body.source;
  delete body.template_repository;
  body.organization = repository.owner.type === 'Organization' ? accountBody(base, repository.owner) : null;
  return body;
}

/** One `short-branch`. */
export function branchBody(base: FakeBase, repository: RepositoryRecord, branch: BranchRecord): Json {
  const fullName = fullNameOf(repository);
  const example = rebase(examples.branches[0]!, base, repository.owner, fullName);
  return {
    ...example,
    name: branch.name,
    commit: { sha: branch.sha, url: `${base.api}/repos/${fullName}/commits/${branch.sha}` },
    protected: branch.isProtected,
    protection: branch.isProtected
      ? { enabled: true, ...(example.protection as Json) }
      : { enabled: false, required_status_checks: { enforcement_level: 'off', contexts: [], checks: [] } },
    protection_url: `${base.api}/repos/${fullName}/branches/${encodeURIComponent(branch.name)}/protection`,
  };
}

export function rateLimitBody(core: { limit: number; remaining: number; used: number; reset: number }): Json {
  const body = JSON.parse(JSON.stringify(examples.rateLimit)) as { resources: Record<string, Json>; rate: Json };
  body.resources.core = { ...body.resources.core, ...core };
  body.rate = { ...body.rate, ...core };
  return body;
}
