import { Prisma, type PrismaClient } from '../generated/prisma/client.js';
import type { Logger } from '../logger.js';
import { ForgeError } from '../providers/errors.js';
import type { ForgeAdapter } from '../providers/types.js';
import { queueDeployment, type DeploymentControl } from '../resolvers/deployments.js';
import { loadProviderAdapter, type ForgeAccessDeps } from '../resolvers/forge-access.js';
import type { InstallationEvent, PushEvent } from './events.js';
import { parseDelivery } from './parsers/index.js';
import { closePreviews, openPreview } from './previews.js';
import { skipKeyword, touchesWatchPaths } from './watch-paths.js';

export interface WebhookProcessorDeps {
  db: PrismaClient;
  forge: ForgeAccessDeps;
  deployments: DeploymentControl;
  logger: Logger;
}

export interface DeliveryContext {
  deliveryId: string;
  provider: { id: string; organizationId: string; installationId: string | null };
  /** The provider's adapter, made on first use (most deliveries need no forge call). */
  adapter(): Promise<ForgeAdapter>;
}

/**
 * Acts on a stored delivery once: pushes and tags deploy, pull/merge requests open, update or close previews,
 * GitHub installation events set the provider's state. Everything happens on the delivery's own provider, so a
 * delivery reaches only that provider's organization. The outcome and what was done are written on the delivery.
 */
export async function processDelivery(deps: WebhookProcessorDeps, webhookDeliveryId: string): Promise<void> {
  const delivery = await deps.db.webhookDelivery.findUnique({
    where: { id: webhookDeliveryId },
    include: { gitProvider: { select: { id: true, organizationId: true, github: { select: { githubInstallationId: true } } } } },
  });
  if (!delivery || delivery.outcome !== 'ACCEPTED') return;
  let adapter: Promise<ForgeAdapter> | undefined;
  const context: DeliveryContext = {
    deliveryId: delivery.id,
    provider: { id: delivery.gitProvider.id, organizationId: delivery.gitProvider.organizationId, installationId: delivery.gitProvider.github?.githubInstallationId ?? null },
    adapter: () => (adapter ??= loadProviderAdapter(deps.forge, { id: delivery.gitProviderId })),
  };

  const notes: string[] = [];
  let acted = false;
  try {
    for (const event of parseDelivery(delivery.forge, delivery.event, delivery.payload)) {
      let outcome: { acted: boolean; note: string };
      switch (event.kind) {
        case 'ignored':
          outcome = { acted: false, note: event.reason };
          break;
        case 'ping':
          outcome = { acted: false, note: 'Ping: the webhook reaches forgegraph' };
          break;
        case 'push':
          outcome = await onPush(deps, context, event);
          break;
        case 'pull_request':
          outcome = event.action === 'closed' ? await closePreviews(deps, context, event) : await openPreview(deps, context, event);
          break;
        case 'installation':
          outcome = await onInstallation(deps.db, context, event);
          break;
      }
      acted ||= outcome.acted;
      notes.push(outcome.note);
    }
  } catch (error) {
    // A forge that fails (the compare API, a membership check) fails this delivery visibly; a redelivery from the
    // forge's side is a new delivery id and tries again. If even this write fails, the job is retried.
    if (!(error instanceof ForgeError)) deps.logger.error({ err: error, webhookDeliveryId }, 'processing a webhook delivery failed');
    await finish(deps.db, delivery.id, 'FAILED', [...notes, error instanceof ForgeError ? error.message : 'An unexpected error; the service log has the details']);
    return;
  }
  await finish(deps.db, delivery.id, acted ? 'PROCESSED' : 'IGNORED', notes);
}

async function finish(db: PrismaClient, id: string, outcome: 'PROCESSED' | 'IGNORED' | 'FAILED', notes: string[]) {
  // The payload has served its purpose; what was done stays in the message and the linked deployments.
  await db.webhookDelivery.update({
    where: { id },
    data: { outcome, message: notes.join('; ').slice(0, 2000) || null, processedAt: new Date(), payload: Prisma.DbNull },
  });
}

/** The applications of this provider on the repository (forges compare repository names without case). */
export function applicationsOn(db: PrismaClient, context: DeliveryContext, repository: string, where: Prisma.ApplicationWhereInput = {}) {
  return db.application.findMany({
    where: { gitProviderId: context.provider.id, organizationId: context.provider.organizationId, repository: { equals: repository, mode: 'insensitive' }, ...where },
    orderBy: { id: 'asc' },
  });
}

async function onPush(deps: WebhookProcessorDeps, context: DeliveryContext, event: PushEvent): Promise<{ acted: boolean; note: string }> {
  const what = `${event.refType} ${event.refName} of ${event.repository}`;
  if (event.after === null) return { acted: false, note: `Push deleted ${what}` };
  const applications = await applicationsOn(
    deps.db,
    context,
    event.repository,
    event.refType === 'branch' ? { autoDeploy: true, triggerType: 'PUSH', branch: event.refName } : { autoDeploy: true, triggerType: 'TAG' },
  );
  if (applications.length === 0) return { acted: false, note: `No application deploys on a push to ${what}` };
  const keyword = skipKeyword(event.headCommit?.message);
  if (keyword) return { acted: false, note: `Push to ${what} skipped: the head commit says ${keyword}` };

  let files: string[] | null | undefined;
  const changedFiles = async () => {
    if (files !== undefined) return files;
    files = event.changedFiles ?? (event.before ? await (await context.adapter()).changedFiles(event.repository, event.before, event.after!) : null);
    return files;
  };
  const started: string[] = [];
  const unchanged: string[] = [];
  for (const application of applications) {
    const paths = application.watchPaths.length ? await changedFiles() : null;
    // A new branch has no base to compare with: it deploys.
    if (paths && !touchesWatchPaths(application.watchPaths, paths)) {
      unchanged.push(application.name);
      continue;
    }
    await queueDeployment(deps, application, {
      ref: event.refName,
      trigger: event.refType === 'branch' ? 'PUSH' : 'TAG',
      commit: { sha: event.after, message: event.headCommit?.message ?? null, author: event.headCommit?.author ?? null },
      webhookDeliveryId: context.deliveryId,
    });
    started.push(application.name);
  }
  const notes = [];
  if (started.length) notes.push(`Push to ${what} deploys ${started.join(', ')}`);
  if (unchanged.length) notes.push(`no changed file matches the watch paths of ${unchanged.join(', ')}`);
  return { acted: started.length > 0, note: notes.join('; ') };
}

async function onInstallation(db: PrismaClient, context: DeliveryContext, event: InstallationEvent): Promise<{ acted: boolean; note: string }> {
  if (context.provider.installationId !== event.installationId) {
    return { acted: false, note: `Installation ${event.installationId} is not this provider’s` };
  }
  const where = { id: context.provider.id, github: { is: { githubInstallationId: event.installationId } } };
  switch (event.action) {
    case 'removed':
    case 'suspended':
      await db.gitProvider.updateMany({ where, data: { connectionState: 'INSTALLATION_REMOVED', connectionStateReason: event.action === 'removed' ? 'deleted' : 'suspended' } });
      return { acted: true, note: `Installation ${event.installationId} was ${event.action === 'removed' ? 'deleted' : 'suspended'}` };
    case 'restored':
      await db.gitProvider.updateMany({ where: { ...where, connectionState: 'INSTALLATION_REMOVED' }, data: { connectionState: 'CONNECTED', connectionStateReason: null } });
      return { acted: true, note: `Installation ${event.installationId} is active again` };
    case 'repositories':
      return { acted: false, note: 'The installation’s repositories changed; listings read them live' };
  }
}
