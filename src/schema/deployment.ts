import { createGraphQLError, filter, pipe } from 'graphql-yoga';
import { DeploymentStatus, DeploymentTrigger } from '../generated/prisma/enums.js';
import type { Prisma } from '../generated/prisma/client.js';
import type { DeploymentEvent } from '../deployments/events.js';
import { findApplication } from '../resolvers/applications.js';
import { cancelDeployment, deployApplication, findDeployment, listDeployments } from '../resolvers/deployments.js';
import { ApplicationDetachedError, NotFoundError } from '../resolvers/errors.js';
import { ApplicationRef, applicationId, decodeOrNull } from './application.js';
import { builder } from './builder.js';
import { ErrorInterface, mutationErrors } from './errors.js';
import { decodeIdOf } from './global-id.js';

export const DeploymentStatusEnum = builder.enumType(DeploymentStatus, {
  name: 'DeploymentStatus',
  description: 'QUEUED until a worker takes it; RUNNING while it fetches and builds; then SUCCEEDED, FAILED or CANCELLED.',
});

export const DeploymentTriggerEnum = builder.enumType(DeploymentTrigger, {
  name: 'DeploymentTrigger',
  description: 'What started it: a person (MANUAL), a push, a tag, or a pull/merge request (PREVIEW).',
});

export const DeploymentRef = builder.prismaNode('Deployment', {
  description: 'One run of an application at one commit.',
  id: { field: 'id' },
  findUnique: (id, ctx) => ({ id, organizationId: ctx.viewer.organizationId }) as Prisma.DeploymentWhereUniqueInput,
  fields: (t) => ({
    application: t.relation('application'),
    status: t.expose('status', { type: DeploymentStatusEnum }),
    trigger: t.expose('trigger', { type: DeploymentTriggerEnum }),
    ref: t.exposeString('ref', { description: 'The branch, tag or commit asked for.' }),
    commitSha: t.exposeString('commitSha', { nullable: true, description: 'The exact commit deployed, once resolved.' }),
    commitMessage: t.exposeString('commitMessage', { nullable: true }),
    commitAuthor: t.exposeString('commitAuthor', { nullable: true }),
    message: t.exposeString('message', { nullable: true, description: 'Why it failed or was cancelled.' }),
    attempt: t.exposeInt('attempt', { description: 'Runs so far: more than 1 when its worker stopped and it was started again.' }),
    cancelRequested: t.boolean({ select: { cancelRequestedAt: true }, resolve: (deployment) => deployment.cancelRequestedAt !== null }),
    requestedBy: t.relation('requestedBy', { nullable: true }),
    webhookDelivery: t.relation('webhookDelivery', { nullable: true, description: 'The delivery that started it (push, tag or pull request).' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    startedAt: t.expose('startedAt', { type: 'DateTime', nullable: true }),
    finishedAt: t.expose('finishedAt', { type: 'DateTime', nullable: true }),
    log: t.string({
      description: 'Resolution, fetch and build output so far. Past the size limit the middle is left out, with a note saying how much.',
      select: { logChunks: { orderBy: { sequence: 'asc' }, select: { text: true } } },
      resolve: (deployment) => deployment.logChunks.map((chunk) => chunk.text).join(''),
    }),
  }),
});

const deploymentId = (globalId: string | number) => decodeIdOf(globalId, ['Deployment'], 'Deployment').id;

builder.prismaObjectField(ApplicationRef, 'deployments', (t) =>
  t.relatedConnection('deployments', { cursor: 'id', query: () => ({ orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }), totalCount: true, description: 'Newest first.' }),
);

builder.queryFields((t) => ({
  deployment: t.prismaField({
    type: DeploymentRef,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, args, ctx) => {
      const id = decodeOrNull(() => deploymentId(args.id));
      return id ? findDeployment(ctx.db, ctx.viewer, id, query) : null;
    },
  }),
  deployments: t.prismaConnection(
    {
      type: DeploymentRef,
      cursor: 'id',
      description: 'The deployments of one application, newest first.',
      args: { applicationId: t.arg.id({ required: true }) },
      resolve: (query, _root, args, ctx) => {
        const id = decodeOrNull(() => applicationId(args.applicationId));
        return id ? listDeployments(ctx.db, ctx.viewer, id, query) : [];
      },
    },
    { name: 'DeploymentConnection' },
    { name: 'DeploymentEdge' },
  ),
}));

builder.objectType(ApplicationDetachedError, {
  name: 'ApplicationDetachedError',
  description: 'The application has no Git provider (it was removed); give it one with updateApplication.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof ApplicationDetachedError,
});

const DeployApplicationInput = builder.inputType('DeployApplicationInput', {
  fields: (t) => ({
    id: t.id({ required: true, description: 'The application.' }),
    ref: t.string({ description: 'A branch, tag or commit sha; default: the application’s branch.' }),
  }),
});

const CancelDeploymentInput = builder.inputType('CancelDeploymentInput', { fields: (t) => ({ id: t.id({ required: true }) }) });

builder.mutationFields((t) => ({
  deployApplication: t.prismaField({
    type: DeploymentRef,
    description:
      'Queues a deployment and returns it at once (QUEUED). It runs after any running deployment of the application; queued ones of the same ref are superseded (CANCELLED).',
    errors: { types: [...mutationErrors, ApplicationDetachedError], dataField: { name: 'deployment' } },
    args: { input: t.arg({ type: DeployApplicationInput, required: true }) },
    resolve: (query, _root, { input }, ctx) => deployApplication(ctx, ctx.viewer, { applicationId: applicationId(input.id), ref: input.ref }, query),
  }),
  cancelDeployment: t.prismaField({
    type: DeploymentRef,
    description: 'A queued deployment is CANCELLED at once; a running one is stopped (its build killed) within a few seconds.',
    errors: { types: mutationErrors, dataField: { name: 'deployment' } },
    args: { input: t.arg({ type: CancelDeploymentInput, required: true }) },
    resolve: (query, _root, { input }, ctx) => cancelDeployment(ctx, ctx.viewer, deploymentId(input.id), query),
  }),
}));

const DeploymentUpdate = builder.objectRef<DeploymentEvent>('DeploymentUpdate').implement({
  description: 'A status change, or a new chunk of the log, of one deployment.',
  fields: (t) => ({
    deployment: t.prismaField({
      type: DeploymentRef,
      description: 'The deployment as it is now (may be ahead of this event).',
      resolve: async (query, event, _args, ctx) => {
        const deployment = await findDeployment(ctx.db, ctx.viewer, event.deploymentId, query);
        if (!deployment) throw new NotFoundError('Deployment');
        return deployment;
      },
    }),
    status: t.field({ type: DeploymentStatusEnum, description: 'The status when the event was written.', resolve: (event) => event.status }),
    logChunk: t.exposeString('logChunk', { nullable: true, description: 'New log output; null for a status change.' }),
    sequence: t.exposeInt('sequence', { nullable: true, description: 'The log chunk’s number (1, 2, …): chunks arrive in this order.' }),
    at: t.field({ type: 'DateTime', resolve: (event) => new Date(event.at) }),
  }),
});

builder.subscriptionType({});

builder.subscriptionField('deploymentUpdated', (t) =>
  t.field({
    type: DeploymentUpdate,
    description: 'Each status change and log chunk of the application’s deployments, in order, over server-sent events.',
    args: { applicationId: t.arg.id({ required: true }) },
    subscribe: async (_root, args, ctx) => {
      const application = await findApplicationOrNull(ctx.db, ctx.viewer, args.applicationId);
      if (!application) throw createGraphQLError('Application not found', { extensions: { code: 'NOT_FOUND' } });
      return pipe(
        ctx.deployments.pubsub.subscribe('deploymentUpdated', application.id),
        filter((event: DeploymentEvent) => event.organizationId === ctx.viewer.organizationId),
      );
    },
    resolve: (event) => event,
  }),
);

function findApplicationOrNull(db: Parameters<typeof findApplication>[0], viewer: Parameters<typeof findApplication>[1], globalId: string | number) {
  const id = decodeOrNull(() => applicationId(globalId));
  return id ? findApplication(db, viewer, id) : null;
}
