import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import type { SecretBox } from '../crypto/secret-box.js';
import type { GitProvider, Prisma, PrismaClient } from '../generated/prisma/client.js';
import type { GitProviderType } from '../generated/prisma/enums.js';
import type { Logger } from '../logger.js';
import { GITEA_SUPPORTS_REVOCATION } from '../providers/gitea/oauth.js';
import { revokeGitLabToken } from '../providers/gitlab/oauth.js';
import type { ForgeHttp } from '../providers/http/forge-http.js';
import { GitProviderInUseError, NotAllowedError, NotFoundError, ValidationError } from './errors.js';
import { baseFields, PROVIDER_FORMS, type ProviderForm } from './git-provider-forms.js';
import { parseInput } from './validation.js';
import { isManager, type Viewer } from './viewer.js';

export interface ProviderDeps {
  db: PrismaClient;
  secrets: SecretBox;
}

/** Prisma `include`/`select` fragment a caller (the GraphQL layer) wants on the returned row. */
type Query = { include?: Prisma.GitProviderInclude } | { select?: Prisma.GitProviderSelect };

/** Owners and admins see every provider of the organization; members see their own and shared ones. */
export function visibleProviders(viewer: Viewer): Prisma.GitProviderWhereInput {
  if (isManager(viewer)) return { organizationId: viewer.organizationId };
  return { organizationId: viewer.organizationId, OR: [{ userId: viewer.userId }, { sharedWithOrganization: true }] };
}

export function listGitProviders(
  { db }: Pick<ProviderDeps, 'db'>,
  viewer: Viewer,
  filter: { providerType?: GitProviderType | null },
  query: Query & { take?: number; skip?: number; cursor?: Prisma.GitProviderWhereUniqueInput },
) {
  return db.gitProvider.findMany({
    ...query,
    where: { ...visibleProviders(viewer), ...(filter.providerType ? { providerType: filter.providerType } : {}) },
  });
}

export function countGitProviders({ db }: Pick<ProviderDeps, 'db'>, viewer: Viewer, filter: { providerType?: GitProviderType | null }) {
  return db.gitProvider.count({
    where: { ...visibleProviders(viewer), ...(filter.providerType ? { providerType: filter.providerType } : {}) },
  });
}

export async function findGitProvider({ db }: Pick<ProviderDeps, 'db'>, viewer: Viewer, id: string, query: Query = {}) {
  return db.gitProvider.findFirst({ ...query, where: { id, ...visibleProviders(viewer) } });
}

export async function createGitProvider(deps: ProviderDeps, viewer: Viewer, type: GitProviderType, input: Record<string, unknown>) {
  const form = PROVIDER_FORMS[type];
  const { base, detail, secrets } = splitInput(form, input, 'create');
  for (const field of form.required) {
    if (detail[field] === undefined || detail[field] === null) throw new ValidationError(field, `${field} is required`);
  }
  const detailRow = { ...form.defaults, ...withoutNulls(detail) };
  checkForm(form, detailRow, new Set(Object.keys(withoutNulls(secrets))));

  const id = uuidv7();
  return deps.db.gitProvider.create({
    data: {
      id,
      name: base.name as string,
      sharedWithOrganization: (base.sharedWithOrganization as boolean | undefined) ?? false,
      providerType: type,
      organizationId: viewer.organizationId,
      userId: viewer.userId,
      [form.detail]: { create: detailRow },
      secrets: { create: sealProviderSecrets(deps.secrets, id, withoutNulls(secrets)) },
    },
    include: providerInclude,
  });
}

/** A field left out keeps its value; a field sent as null clears it (defaulted fields return to their default). */
export async function updateGitProvider(
  deps: ProviderDeps,
  viewer: Viewer,
  type: GitProviderType,
  id: string,
  input: Record<string, unknown>,
) {
  const form = PROVIDER_FORMS[type];
  const existing = await deps.db.gitProvider.findFirst({
    where: { id, providerType: type, ...visibleProviders(viewer) },
    include: { [form.detail]: true, secrets: { select: { field: true } } },
  }) as (GitProvider & { secrets: { field: string }[] } & Record<string, unknown>) | null;
  if (!existing) throw new NotFoundError('Git provider');
  assertMayChange(viewer, existing);

  const { base, detail, secrets } = splitInput(form, input, 'update');
  if (base.name === null) throw new ValidationError('name', 'name must not be null');
  if (base.sharedWithOrganization === null) throw new ValidationError('sharedWithOrganization', 'sharedWithOrganization must not be null');
  for (const field of form.required) {
    if (detail[field] === null) throw new ValidationError(field, `${field} is required and cannot be cleared`);
  }
  const detailUpdate = Object.fromEntries(
    Object.entries(detail).map(([field, value]) => [field, value === null && field in form.defaults ? form.defaults[field] : value]),
  );
  const currentDetail = (existing[form.detail] as Record<string, unknown> | null) ?? {};
  const secretFields = new Set(existing.secrets.map((s) => s.field));
  for (const [field, value] of Object.entries(secrets)) {
    if (value === null) secretFields.delete(field);
    else secretFields.add(field);
  }
  checkForm(form, { ...currentDetail, ...detailUpdate }, secretFields);

  const sealed = sealProviderSecrets(deps.secrets, id, withoutNulls(secrets));
  const cleared = Object.keys(secrets).filter((field) => secrets[field] === null);
  return deps.db.gitProvider.update({
    where: { id, organizationId: viewer.organizationId },
    data: {
      ...base,
      updatedAt: new Date(),
      [form.detail]: { update: detailUpdate },
      // Tokens pasted by hand are a new authorization, and a new GitHub installation ID a new installation:
      // a provider waiting for either is connected again.
      ...(sealed.some((secret) => TOKEN_FIELDS.includes(secret.field)) || (type === 'GITHUB' && typeof detailUpdate.githubInstallationId === 'string')
        ? { connectionState: 'CONNECTED', connectionStateReason: null }
        : {}),
      secrets: providerSecretWrites(id, sealed, cleared),
    } as Prisma.GitProviderUpdateInput,
    include: providerInclude,
  });
}

export interface RemovedGitProvider {
  id: string;
  /** Whether the forge revoked the provider's OAuth tokens; null when there was nothing to revoke. */
  revoked: boolean | null;
  /** Applications that used it and are now detached (only with `force`). */
  detachedApplications: { id: string; name: string }[];
}

/**
 * Deletes the provider with its secrets, then revokes what the forge lets us revoke (GitLab: the OAuth access
 * and refresh token; Gitea has no revocation endpoint). Revocation is best effort within the HTTP layer's
 * deadline: the provider is gone whatever the forge answers.
 */
export async function removeGitProvider(
  deps: ProviderDeps & { http?: ForgeHttp; logger?: Logger },
  viewer: Viewer,
  id: string,
  options: { force?: boolean } = {},
): Promise<RemovedGitProvider> {
  const existing = await deps.db.gitProvider.findFirst({
    where: { id, ...visibleProviders(viewer) },
    select: { id: true, name: true, userId: true, providerType: true, gitlab: true, gitea: true, secrets: true },
  });
  if (!existing) throw new NotFoundError('Git provider');
  assertMayChange(viewer, existing);
  const detached = await deps.db.$transaction(async (tx) => {
    // Locked first, so an application being created on it either commits before the check or fails after.
    const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "GitProvider" WHERE id = ${id} AND "organizationId" = ${viewer.organizationId} FOR UPDATE`;
    if (locked.length === 0) throw new NotFoundError('Git provider');
    const applications = await tx.application.findMany({ where: { gitProviderId: id }, select: { id: true, name: true }, orderBy: { name: 'asc' } });
    if (applications.length && !options.force) throw new GitProviderInUseError(applications);
    if (applications.length) {
      await tx.application.updateMany({ where: { gitProviderId: id }, data: { detachedAt: new Date(), detachedProviderName: existing.name } });
    }
    await tx.gitProvider.delete({ where: { id } });
    return applications;
  });
  return { id, revoked: await revokeTokens(deps, existing), detachedApplications: detached };
}

async function revokeTokens(
  deps: ProviderDeps & { http?: ForgeHttp; logger?: Logger },
  provider: { id: string; providerType: GitProviderType; gitlab: { gitlabUrl: string; gitlabInternalUrl: string | null; applicationId: string | null } | null; gitea: unknown; secrets: { field: string; keyId: string; ciphertext: string }[] },
): Promise<boolean | null> {
  if (provider.providerType !== 'GITLAB' && provider.providerType !== 'GITEA') return null;
  const secret = openProviderSecrets(deps.secrets, provider.id, provider.secrets);
  const tokens = [secret('accessToken'), secret('refreshToken')].filter((token): token is string => token !== null);
  if (tokens.length === 0) return null;
  if (provider.providerType === 'GITEA') return GITEA_SUPPORTS_REVOCATION;
  const gitlab = provider.gitlab;
  const clientSecret = secret('secret');
  // A token pasted by hand without the OAuth application (a personal access token) cannot be revoked here.
  if (!gitlab?.applicationId || !clientSecret || !deps.http) return false;
  const client = { baseUrl: gitlab.gitlabInternalUrl ?? gitlab.gitlabUrl, clientId: gitlab.applicationId, clientSecret };
  const fetchFn = deps.http.fetchFn({ retry: false });
  const results = await Promise.allSettled(tokens.map((token) => revokeGitLabToken(fetchFn, client, token)));
  const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) {
    const error = failed.reason as { name?: string; code?: string };
    deps.logger?.warn({ providerId: provider.id, errorName: error?.name, errorCode: error?.code }, 'Could not revoke the removed GitLab provider’s tokens');
    return false;
  }
  return true;
}

/** Decrypts one secret for server-side use (forge calls); never for an API response. */
export async function readProviderSecret(deps: ProviderDeps, providerId: string, field: string): Promise<string | null> {
  const rows = await deps.db.gitProviderSecret.findMany({ where: { gitProviderId: providerId, field } });
  return openProviderSecrets(deps.secrets, providerId, rows)(field);
}

/** Opens a provider's sealed secret rows on demand: `secret(field)` is the plaintext, or null when unset. */
export function openProviderSecrets(box: SecretBox, providerId: string, rows: { field: string; keyId: string; ciphertext: string }[]) {
  return (field: string): string | null => {
    const row = rows.find((candidate) => candidate.field === field);
    return row ? box.open(row, secretContext(providerId, field)) : null;
  };
}

const providerInclude = {
  github: true,
  gitlab: true,
  bitbucket: true,
  gitea: true,
  secrets: { select: { field: true } },
} satisfies Prisma.GitProviderInclude;

/** Owners and admins may change any provider they see; members only those they created. */
export function assertMayChange(viewer: Viewer, provider: { userId: string | null }) {
  if (!isManager(viewer) && provider.userId !== viewer.userId) {
    throw new NotAllowedError('Only the provider’s creator, an owner or an admin can change it');
  }
}

function splitInput(form: ProviderForm, input: Record<string, unknown>, mode: 'create' | 'update') {
  const shape = (fields: Record<string, z.ZodTypeAny>, nullable: boolean) =>
    z.object(Object.fromEntries(Object.entries(fields).map(([k, s]) => [k, (nullable ? s.nullable() : s).optional()]))).strict();
  const present = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));
  const base = parseInput(
    mode === 'create' ? z.object({ name: baseFields.name, sharedWithOrganization: baseFields.sharedWithOrganization.optional() }) : shape(baseFields, true),
    pick(present, Object.keys(baseFields)),
  ) as Record<string, unknown>;
  const detail = parseInput(shape(form.detailFields, true), pick(present, Object.keys(form.detailFields))) as Record<string, unknown>;
  const secrets = parseInput(shape(form.secretFields, true), pick(present, Object.keys(form.secretFields))) as Record<string, string | null>;
  const unknown = Object.keys(present).filter((k) => !(k in baseFields) && !(k in form.detailFields) && !(k in form.secretFields));
  if (unknown.length) throw new ValidationError(unknown[0]!, `${unknown[0]} is not a field of a ${form.type} provider`);
  return { base, detail, secrets };
}

function checkForm(form: ProviderForm, detail: Record<string, unknown>, secrets: Set<string>) {
  const problem = form.check?.({ detail, secrets });
  if (problem) throw new ValidationError(problem.field, problem.message);
}

const TOKEN_FIELDS = ['accessToken', 'refreshToken'];

export function sealProviderSecrets(box: SecretBox, providerId: string, secrets: Record<string, string>) {
  return Object.entries(secrets).map(([field, value]) => ({ field, ...box.seal(value, secretContext(providerId, field)) }));
}

/** The nested write that sets `sealed` secrets of a provider and deletes the `cleared` ones. */
export function providerSecretWrites(providerId: string, sealed: ReturnType<typeof sealProviderSecrets>, cleared: string[]) {
  return {
    deleteMany: cleared.length ? { field: { in: cleared } } : [],
    upsert: sealed.map((secret) => ({
      where: { gitProviderId_field: { gitProviderId: providerId, field: secret.field } },
      create: secret,
      update: { keyId: secret.keyId, ciphertext: secret.ciphertext },
    })),
  };
}

/** Binds each ciphertext to its provider and field, so a sealed value copied to another row does not open. */
function secretContext(providerId: string, field: string) {
  return `git-provider:${providerId}:${field}`;
}

function pick(input: Record<string, unknown>, keys: string[]) {
  return Object.fromEntries(keys.filter((k) => k in input).map((k) => [k, input[k]]));
}

function withoutNulls<T>(values: Record<string, T | null>): Record<string, T> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== null)) as Record<string, T>;
}
