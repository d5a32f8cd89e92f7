import { createHash, randomBytes } from 'node:crypto';
import type { Prisma, PrismaClient } from '../generated/prisma/client.js';
import type { MemberRole } from '../generated/prisma/enums.js';
import { AuthenticationError, NotFoundError, ValidationError } from './errors.js';
import { emailSchema, nameSchema, parseInput } from './validation.js';
import { isManager, type Viewer } from './viewer.js';

const KEY_PREFIX = 'fg_';
/** "fg_" and the first 8 characters of the random part: enough to tell keys apart in a list, useless to an attacker. */
const VISIBLE_PREFIX_LENGTH = KEY_PREFIX.length + 8;
// Avoid a write per request: the last-used time is kept to the minute.
const LAST_USED_RESOLUTION_MS = 60_000;

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** 192 random bits, so a plain SHA-256 (no slow hash) is enough to make the stored value useless. */
function generateApiKey() {
  const key = `${KEY_PREFIX}${randomBytes(24).toString('base64url')}`;
  return { key, prefix: key.slice(0, VISIBLE_PREFIX_LENGTH), hash: hashApiKey(key) };
}

export async function authenticate(db: PrismaClient, key: string | null | undefined): Promise<Viewer> {
  if (!key) throw new AuthenticationError();
  const found = await db.apiKey.findUnique({
    where: { hash: hashApiKey(key) },
    select: { id: true, userId: true, organizationId: true, revokedAt: true, expiresAt: true, lastUsedAt: true },
  });
  const now = Date.now();
  if (!found || found.revokedAt || (found.expiresAt && found.expiresAt.getTime() <= now)) {
    throw new AuthenticationError('The API key is not valid (unknown, revoked or expired)');
  }
  const member = await db.member.findUnique({
    where: { organizationId_userId: { organizationId: found.organizationId, userId: found.userId } },
    select: { role: true },
  });
  if (!member) throw new AuthenticationError('The API key’s user is no longer a member of its organization');
  if (!found.lastUsedAt || now - found.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    await db.apiKey.update({ where: { id: found.id }, data: { lastUsedAt: new Date(now) } });
  }
  return { userId: found.userId, organizationId: found.organizationId, role: member.role, apiKeyId: found.id };
}

type KeyQuery = { include?: Prisma.ApiKeyInclude } | { select?: Prisma.ApiKeySelect };

/** Managers see every key of the organization; members their own. */
export function visibleApiKeys(viewer: Viewer): Prisma.ApiKeyWhereInput {
  return isManager(viewer) ? { organizationId: viewer.organizationId } : { organizationId: viewer.organizationId, userId: viewer.userId };
}

export function listApiKeys(db: PrismaClient, viewer: Viewer, query: KeyQuery & { take?: number; skip?: number; cursor?: Prisma.ApiKeyWhereUniqueInput }) {
  return db.apiKey.findMany({ ...query, where: visibleApiKeys(viewer) });
}

/** A key for the viewer, or (owners and admins) for another member of the organization. The key itself is returned only here. */
export async function createApiKey(db: PrismaClient, viewer: Viewer, input: { name?: string | null; userId?: string | null; expiresAt?: Date | null }) {
  const name = input.name == null ? null : parseInput(nameSchema, input.name);
  if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) throw new ValidationError('expiresAt', 'expiresAt must be in the future');
  const userId = input.userId ?? viewer.userId;
  if (userId !== viewer.userId) {
    const member = isManager(viewer)
      ? await db.member.findUnique({ where: { organizationId_userId: { organizationId: viewer.organizationId, userId } } })
      : null;
    if (!member) throw new NotFoundError('Member');
  }
  const { key, prefix, hash } = generateApiKey();
  const apiKey = await db.apiKey.create({
    data: { name, prefix, hash, userId, organizationId: viewer.organizationId, expiresAt: input.expiresAt ?? null },
  });
  return { apiKey, key };
}

export async function revokeApiKey(db: PrismaClient, viewer: Viewer, id: string) {
  const apiKey = await db.apiKey.findFirst({ where: { id, ...visibleApiKeys(viewer) } });
  if (!apiKey) throw new NotFoundError('API key');
  if (apiKey.revokedAt) return apiKey;
  return db.apiKey.update({ where: { id }, data: { revokedAt: new Date() } });
}

export interface BootstrapInput {
  organization: string;
  email: string;
  role?: MemberRole;
  name?: string;
}

/**
 * What `forgegraph api-key create` does: the organization and user are created when missing; a new
 * organization's first member is its owner, anyone else joins as a member unless a role is given.
 */
export async function bootstrapApiKey(db: PrismaClient, input: BootstrapInput) {
  const organizationName = parseInput(nameSchema, input.organization);
  const email = parseInput(emailSchema, input.email);
  const { key, prefix, hash } = generateApiKey();
  return db.$transaction(async (tx) => {
    const organization = await tx.organization.upsert({ where: { name: organizationName }, create: { name: organizationName }, update: {} });
    const user = await tx.user.upsert({ where: { email }, create: { email }, update: {} });
    const existing = await tx.member.findUnique({ where: { organizationId_userId: { organizationId: organization.id, userId: user.id } } });
    let role: MemberRole;
    if (existing) {
      role = input.role ?? existing.role;
      if (role !== existing.role) await tx.member.update({ where: { id: existing.id }, data: { role } });
    } else {
      const hasMembers = (await tx.member.count({ where: { organizationId: organization.id } })) > 0;
      role = input.role ?? (hasMembers ? 'MEMBER' : 'OWNER');
      await tx.member.create({ data: { organizationId: organization.id, userId: user.id, role } });
    }
    await tx.apiKey.create({ data: { name: input.name ?? 'cli', prefix, hash, userId: user.id, organizationId: organization.id } });
    return { key, prefix, organization, user, role };
  });
}
