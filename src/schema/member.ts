import { encodeGlobalID } from '@pothos/plugin-relay';
import { MemberRole } from '../generated/prisma/enums.js';
import { addMember, changeMemberRole, listMembers, removeMember } from '../resolvers/members.js';
import { builder } from './builder.js';
import { mutationErrors } from './errors.js';
import { decodeIdOf } from './global-id.js';

export const MemberRoleEnum = builder.enumType(MemberRole, {
  name: 'MemberRole',
  description: 'OWNER and ADMIN manage members, keys and every provider; MEMBER manages their own providers and sees shared ones.',
});

export const Member = builder.prismaNode('Member', {
  id: { field: 'id' },
  findUnique: (id, ctx) => ({ id, organizationId: ctx.viewer.organizationId }),
  fields: (t) => ({
    role: t.expose('role', { type: MemberRoleEnum }),
    user: t.relation('user'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const memberId = (globalId: string | number) => decodeIdOf(globalId, ['Member'], 'Member').id;

builder.queryField('members', (t) =>
  t.prismaConnection(
    {
      type: Member,
      cursor: 'id',
      description: 'Members of the active organization.',
      resolve: (query, _root, _args, ctx) => listMembers(ctx.db, ctx.viewer, query),
    },
    { name: 'MemberConnection' },
    { name: 'MemberEdge' },
  ),
);

const AddMemberInput = builder.inputType('AddMemberInput', {
  fields: (t) => ({
    email: t.field({ type: 'EmailAddress', required: true }),
    name: t.string(),
    role: t.field({ type: MemberRoleEnum, required: true }),
  }),
});

const ChangeMemberRoleInput = builder.inputType('ChangeMemberRoleInput', {
  fields: (t) => ({
    id: t.id({ required: true, description: 'The Member ID.' }),
    role: t.field({ type: MemberRoleEnum, required: true }),
  }),
});

const RemoveMemberInput = builder.inputType('RemoveMemberInput', {
  fields: (t) => ({ id: t.id({ required: true, description: 'The Member ID.' }) }),
});

builder.mutationFields((t) => ({
  addMember: t.field({
    type: Member,
    description: 'Owners and admins add a user (created if new) to the organization. Only owners add owners.',
    errors: { types: mutationErrors, dataField: { name: 'member' } },
    args: { input: t.arg({ type: AddMemberInput, required: true }) },
    resolve: (_root, { input }, ctx) => addMember(ctx.db, ctx.viewer, input),
  }),
  changeMemberRole: t.field({
    type: Member,
    errors: { types: mutationErrors, dataField: { name: 'member' } },
    args: { input: t.arg({ type: ChangeMemberRoleInput, required: true }) },
    resolve: (_root, { input }, ctx) => changeMemberRole(ctx.db, ctx.viewer, { id: memberId(input.id), role: input.role }),
  }),
  removeMember: t.field({
    type: 'ID',
    description: 'Removes a member and revokes their API keys for this organization. Their providers stay.',
    errors: { types: mutationErrors, dataField: { name: 'removedId' } },
    args: { input: t.arg({ type: RemoveMemberInput, required: true }) },
    resolve: async (_root, { input }, ctx) => encodeGlobalID('Member', await removeMember(ctx.db, ctx.viewer, memberId(input.id))),
  }),
}));
