import type { Prisma, PrismaClient } from '../generated/prisma/client.js';
import type { MemberRole } from '../generated/prisma/enums.js';
import { NotAllowedError, NotFoundError, ValidationError } from './errors.js';
import { emailSchema, nameSchema, parseInput } from './validation.js';
import { isManager, type Viewer } from './viewer.js';

type MemberQuery = { include?: Prisma.MemberInclude } | { select?: Prisma.MemberSelect };

export function listMembers(db: PrismaClient, viewer: Viewer, query: MemberQuery & { take?: number; skip?: number; cursor?: Prisma.MemberWhereUniqueInput }) {
  return db.member.findMany({ ...query, where: { organizationId: viewer.organizationId } });
}

function assertManager(viewer: Viewer) {
  if (!isManager(viewer)) throw new NotAllowedError('Only owners and admins manage members');
}

// Only an owner may make or unmake owners, so an admin cannot take over or lock out the organization.
function assertMayAssign(viewer: Viewer, role: MemberRole) {
  if (role === 'OWNER' && viewer.role !== 'OWNER') throw new NotAllowedError('Only an owner can make someone an owner');
}

export async function addMember(db: PrismaClient, viewer: Viewer, input: { email: string; name?: string | null; role: MemberRole }) {
  assertManager(viewer);
  assertMayAssign(viewer, input.role);
  const email = parseInput(emailSchema, input.email);
  const name = input.name == null ? undefined : parseInput(nameSchema, input.name);
  return db.$transaction(async (tx) => {
    const user = await tx.user.upsert({ where: { email }, create: { email, name }, update: {} });
    const existing = await tx.member.findUnique({ where: { organizationId_userId: { organizationId: viewer.organizationId, userId: user.id } } });
    if (existing) throw new ValidationError('email', `${email} is already a member of this organization`);
    return tx.member.create({ data: { organizationId: viewer.organizationId, userId: user.id, role: input.role }, include: { user: true } });
  });
}

export async function changeMemberRole(db: PrismaClient, viewer: Viewer, input: { id: string; role: MemberRole }) {
  assertManager(viewer);
  return db.$transaction(async (tx) => {
    const member = await tx.member.findFirst({ where: { id: input.id, organizationId: viewer.organizationId } });
    if (!member) throw new NotFoundError('Member');
    if (member.role === input.role) return member;
    assertMayAssign(viewer, member.role);
    assertMayAssign(viewer, input.role);
    if (member.role === 'OWNER') await assertAnotherOwner(tx, viewer.organizationId, member.id);
    return tx.member.update({ where: { id: member.id }, data: { role: input.role } });
  });
}

/** Removing a member also revokes their keys for this organization. */
export async function removeMember(db: PrismaClient, viewer: Viewer, id: string): Promise<string> {
  assertManager(viewer);
  return db.$transaction(async (tx) => {
    const member = await tx.member.findFirst({ where: { id, organizationId: viewer.organizationId } });
    if (!member) throw new NotFoundError('Member');
    assertMayAssign(viewer, member.role);
    if (member.role === 'OWNER') await assertAnotherOwner(tx, viewer.organizationId, member.id);
    await tx.apiKey.updateMany({
      where: { organizationId: viewer.organizationId, userId: member.userId, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    await tx.member.delete({ where: { id: member.id } });
    return member.id;
  });
}

async function assertAnotherOwner(tx: Prisma.TransactionClient, organizationId: string, memberId: string) {
  // Lock the organization's owner rows so two concurrent demotions cannot both pass this check.
  const owners = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM "Member" WHERE "organizationId" = ${organizationId} AND role = 'OWNER' FOR UPDATE`;
  if (!owners.some((owner) => owner.id !== memberId)) {
    throw new ValidationError('role', 'An organization must keep at least one owner');
  }
}
