import { builder } from './builder.js';

export const Organization = builder.prismaNode('Organization', {
  description: 'Owns providers, members and API keys. A key acts in exactly one organization.',
  id: { field: 'id' },
  // An API key sees only its own organization.
  findUnique: (id, ctx) => ({ id, AND: [{ id: ctx.viewer.organizationId }] }),
  fields: (t) => ({
    name: t.exposeString('name'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});
