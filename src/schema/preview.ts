import { PreviewState } from '../generated/prisma/enums.js';
import type { Prisma } from '../generated/prisma/client.js';
import { approvePreview } from '../webhooks/previews.js';
import { ApplicationRef } from './application.js';
import { builder } from './builder.js';
import { DeploymentRef } from './deployment.js';
import { mutationErrors } from './errors.js';
import { decodeIdOf } from './global-id.js';

export const PreviewStateEnum = builder.enumType(PreviewState, {
  name: 'PreviewState',
  description: 'OPEN: deploys on every update. AWAITING_APPROVAL: from a fork, waits for approvePreviewDeployment. CLOSED: the request was closed or merged.',
});

export const PreviewRef = builder.prismaNode('Preview', {
  description: 'A pull or merge request of the application’s repository against its branch, deployed as previews.',
  id: { field: 'id' },
  findUnique: (id, ctx) => ({ id, application: { is: { organizationId: ctx.viewer.organizationId } } }) as Prisma.PreviewWhereUniqueInput,
  fields: (t) => ({
    application: t.relation('application'),
    number: t.exposeInt('number', { description: 'The pull request’s number (GitLab: the merge request’s iid).' }),
    title: t.exposeString('title'),
    headBranch: t.exposeString('headBranch'),
    headSha: t.exposeString('headSha'),
    fromFork: t.exposeBoolean('fromFork'),
    author: t.exposeString('author', { nullable: true }),
    state: t.expose('state', { type: PreviewStateEnum }),
    approvedAt: t.expose('approvedAt', { type: 'DateTime', nullable: true }),
    closedAt: t.expose('closedAt', { type: 'DateTime', nullable: true }),
    deployments: t.relation('deployments', { query: () => ({ orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }) }),
  }),
});

builder.prismaObjectField(ApplicationRef, 'pullRequestPreviews', (t) =>
  t.relation('previewRequests', { description: 'Previews of pull/merge requests, newest first.', query: () => ({ orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }) }),
);

builder.prismaObjectField(DeploymentRef, 'preview', (t) => t.relation('preview', { nullable: true }));

const ApprovePreviewInput = builder.inputType('ApprovePreviewDeploymentInput', { fields: (t) => ({ id: t.id({ required: true, description: 'The Preview.' }) }) });

builder.mutationField('approvePreviewDeployment', (t) =>
  t.prismaField({
    type: PreviewRef,
    description: 'Lets a pull request from a fork deploy its preview (now, and on later updates).',
    errors: { types: mutationErrors, dataField: { name: 'preview' } },
    args: { input: t.arg({ type: ApprovePreviewInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const preview = await approvePreview(ctx, ctx.viewer, decodeIdOf(input.id, ['Preview'], 'Preview').id);
      return ctx.db.preview.findUniqueOrThrow({ ...query, where: { id: preview.id } });
    },
  }),
);
