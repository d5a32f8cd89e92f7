import { builder } from './builder.js';

export const User = builder.prismaNode('User', {
  description: 'A person; reachable only as a member of the caller’s organization.',
  id: { field: 'id' },
  findUnique: (id, ctx) => ({ id, memberships: { some: { organizationId: ctx.viewer.organizationId } } }),
  fields: (t) => ({
    email: t.expose('email', { type: 'EmailAddress' }),
    name: t.exposeString('name', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});
