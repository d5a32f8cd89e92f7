import type { Viewer as ViewerValue } from '../resolvers/viewer.js';
import { ApiKey } from './api-key.js';
import { builder } from './builder.js';
import { MemberRoleEnum } from './member.js';
import { Organization } from './organization.js';
import { User } from './user.js';

const Viewer = builder.objectRef<ViewerValue>('Viewer').implement({
  description: 'Who the API key acts as: its user, the active organization and the user’s role there.',
  fields: (t) => ({
    user: t.prismaField({
      type: User,
      resolve: (query, viewer, _args, ctx) => ctx.db.user.findUniqueOrThrow({ ...query, where: { id: viewer.userId } }),
    }),
    organization: t.prismaField({
      type: Organization,
      resolve: (query, viewer, _args, ctx) => ctx.db.organization.findUniqueOrThrow({ ...query, where: { id: viewer.organizationId } }),
    }),
    role: t.field({ type: MemberRoleEnum, resolve: (viewer) => viewer.role }),
    apiKey: t.prismaField({
      type: ApiKey,
      resolve: (query, viewer, _args, ctx) => ctx.db.apiKey.findUniqueOrThrow({ ...query, where: { id: viewer.apiKeyId } }),
    }),
  }),
});

builder.queryField('viewer', (t) => t.field({ type: Viewer, resolve: (_root, _args, ctx) => ctx.viewer }));
