import type { Viewer } from '../resolvers/viewer.js';
import { NotFoundError, ValidationError } from '../resolvers/errors.js';
import { queueDeployment, stopDeployment, type DeploymentDeps } from '../resolvers/deployments.js';
import type { PullRequestEvent } from './events.js';
import { applicationsOn, type DeliveryContext, type WebhookProcessorDeps } from './process-delivery.js';

const FULL_SHA = /^[0-9a-f]{40}$/i;

/**
 * A pull/merge request opened, reopened or updated against the branch of applications with previews on: each
 * gets a preview at the request's head commit. A request from a fork waits for a member's approval unless the
 * forge reports its author as a member or collaborator of the repository; once approved, later updates deploy.
 */
export async function openPreview(deps: WebhookProcessorDeps, context: DeliveryContext, event: PullRequestEvent): Promise<{ acted: boolean; note: string }> {
  const request = `#${event.number} of ${event.repository}`;
  const applications = await applicationsOn(deps.db, context, event.repository, { previews: true, branch: event.baseBranch });
  if (applications.length === 0) return { acted: false, note: `No application with previews on ${event.baseBranch} for ${request}` };
  const trusted = !event.fromFork || (event.authorTrusted ?? (await (await context.adapter()).isTrustedAuthor(event.repository, event.author)));
  // Bitbucket names the head commit by a 12-character hash; git fetches and commit statuses want the full one.
  const headSha = FULL_SHA.test(event.headSha) ? event.headSha : (await (await context.adapter()).resolveCommit(event.repository, event.headSha)).sha;
  const deployed: string[] = [];
  const waiting: string[] = [];
  for (const application of applications) {
    const details = { title: event.title.slice(0, 500), headBranch: event.headBranch, headSha, fromFork: event.fromFork, author: event.author.login };
    const existing = await deps.db.preview.findUnique({ where: { applicationId_number: { applicationId: application.id, number: event.number } } });
    const approved = Boolean(existing?.approvedAt);
    const state = trusted || approved ? 'OPEN' : 'AWAITING_APPROVAL';
    const preview = await deps.db.preview.upsert({
      where: { applicationId_number: { applicationId: application.id, number: event.number } },
      create: { applicationId: application.id, number: event.number, ...details, state },
      update: { ...details, state, closedAt: null },
    });
    if (state === 'AWAITING_APPROVAL') {
      waiting.push(application.name);
      continue;
    }
    await queueDeployment(deps, application, {
      ref: event.headBranch,
      trigger: 'PREVIEW',
      commit: { sha: headSha, message: event.title, author: event.author.login },
      webhookDeliveryId: context.deliveryId,
      previewId: preview.id,
    });
    deployed.push(application.name);
  }
  const notes = [];
  if (deployed.length) notes.push(`Preview of ${request} deploys ${deployed.join(', ')}`);
  if (waiting.length) notes.push(`${request} comes from a fork: its preview of ${waiting.join(', ')} waits for approval (approvePreviewDeployment)`);
  return { acted: deployed.length > 0 || waiting.length > 0, note: notes.join('; ') };
}

/** A request closed or merged: its previews, on this provider's applications only, end, and their deployments stop. */
export async function closePreviews(deps: WebhookProcessorDeps, context: DeliveryContext, event: PullRequestEvent): Promise<{ acted: boolean; note: string }> {
  const applications = await applicationsOn(deps.db, context, event.repository);
  const previews = await deps.db.preview.findMany({ where: { applicationId: { in: applications.map((a) => a.id) }, number: event.number, state: { not: 'CLOSED' } } });
  if (previews.length === 0) return { acted: false, note: `No preview of #${event.number} of ${event.repository} to remove` };
  const ids = previews.map((p) => p.id);
  await deps.db.preview.updateMany({ where: { id: { in: ids } }, data: { state: 'CLOSED', closedAt: new Date() } });
  const unfinished = await deps.db.deployment.findMany({
    where: { previewId: { in: ids }, status: { in: ['QUEUED', 'RUNNING'] } },
    select: { id: true, applicationId: true, organizationId: true },
  });
  for (const deployment of unfinished) await stopDeployment(deps, deployment, 'The pull request was closed');
  return { acted: true, note: `#${event.number} of ${event.repository} was closed: ${previews.length} preview(s) removed` };
}

/** A member lets a fork's request deploy: the preview opens and its head commit deploys now (and on later updates). */
export async function approvePreview(deps: DeploymentDeps, viewer: Viewer, previewId: string) {
  const preview = await deps.db.preview.findFirst({ where: { id: previewId, application: { organizationId: viewer.organizationId } }, include: { application: true } });
  if (!preview) throw new NotFoundError('Preview');
  if (preview.state !== 'AWAITING_APPROVAL') throw new ValidationError('id', `The preview is ${preview.state === 'OPEN' ? 'already open' : 'closed'}`);
  if (!preview.application.gitProviderId) throw new ValidationError('id', 'The application has no Git provider');
  const { count } = await deps.db.preview.updateMany({
    where: { id: preview.id, state: 'AWAITING_APPROVAL' },
    data: { state: 'OPEN', approvedAt: new Date(), approvedById: viewer.userId },
  });
  if (count === 1) {
    await queueDeployment(deps, preview.application, {
      ref: preview.headBranch,
      trigger: 'PREVIEW',
      commit: { sha: preview.headSha, message: preview.title, author: preview.author },
      userId: viewer.userId,
      previewId: preview.id,
    });
  }
  return deps.db.preview.findUniqueOrThrow({ where: { id: preview.id } });
}
