import { WebhookOutcome } from '../generated/prisma/enums.js';
import type { Prisma } from '../generated/prisma/client.js';
import { visibleProviders } from '../resolvers/git-providers.js';
import { webhookUrl } from '../routes/webhooks.js';
import { ApplicationRef } from './application.js';
import { builder } from './builder.js';
import { GitProviderRef, GitProviderTypeEnum, providerIdFrom } from './git-provider.js';
import { mutationErrors } from './errors.js';
import { forgeErrors } from './forge-errors.js';
import { rotateWebhookSecret } from '../webhooks/rotate-secret.js';

export const WebhookOutcomeEnum = builder.enumType(WebhookOutcome, {
  name: 'WebhookOutcome',
  description: 'REJECTED: missing or wrong signature. ACCEPTED: stored, being processed. PROCESSED, IGNORED (nothing to do, see message) or FAILED.',
});

export const WebhookDeliveryRef = builder.prismaNode('WebhookDelivery', {
  description: 'One delivery that reached the provider’s webhook URL, verified or not.',
  id: { field: 'id' },
  findUnique: (id, ctx) => ({ id, gitProvider: { is: visibleProviders(ctx.viewer) } }) as Prisma.WebhookDeliveryWhereUniqueInput,
  fields: (t) => ({
    forge: t.expose('forge', { type: GitProviderTypeEnum }),
    event: t.exposeString('event', { description: 'The forge’s event name (X-GitHub-Event, X-Gitlab-Event, X-Gitea-Event, X-Event-Key).' }),
    deliveryId: t.exposeString('deliveryId', { nullable: true, description: 'The forge’s id of the delivery; null for rejected ones (the id they claimed is in message).' }),
    receivedAt: t.expose('receivedAt', { type: 'DateTime' }),
    signatureValid: t.exposeBoolean('signatureValid'),
    outcome: t.expose('outcome', { type: WebhookOutcomeEnum }),
    message: t.exposeString('message', { nullable: true, description: 'What was done, or why nothing was.' }),
    repeats: t.exposeInt('repeats', { description: 'Times the forge sent the same delivery again (redeliveries change nothing).' }),
    processedAt: t.expose('processedAt', { type: 'DateTime', nullable: true }),
    deployments: t.relation('deployments', { description: 'Deployments this delivery started.' }),
  }),
});

builder.prismaInterfaceFields(GitProviderRef, (t) => ({
  webhookUrl: t.string({
    description: 'Where the forge delivers events: the GitHub App’s webhook URL, or this provider’s own URL for GitLab, Gitea and Bitbucket.',
    select: { id: true, providerType: true },
    resolve: (provider, _args, ctx) => webhookUrl(ctx.publicUrl, provider as { id: string; providerType: 'GITHUB' }),
  }),
  webhookDeliveries: t.relatedConnection('webhookDeliveries', {
    cursor: 'id',
    description: 'Deliveries received, newest first: the delivery log the forge’s troubleshooting asks for.',
    query: () => ({ orderBy: [{ receivedAt: 'desc' }, { id: 'desc' }] }),
    totalCount: true,
  }),
}));

const ApplicationWebhook = builder.objectRef<{ url: string; registered: boolean; error: string | null; instructions: string | null }>('ApplicationWebhook').implement({
  description: 'How pushes and pull requests reach forgegraph for this application.',
  fields: (t) => ({
    url: t.exposeString('url'),
    registered: t.exposeBoolean('registered', { description: 'Whether forgegraph registered the hook itself (GitLab, Gitea, Bitbucket), or the GitHub App delivers.' }),
    error: t.exposeString('error', { nullable: true, description: 'Why registering it failed, when it did.' }),
    instructions: t.exposeString('instructions', { nullable: true, description: 'How to add the hook by hand, when forgegraph could not (the secret is not shown).' }),
  }),
});

builder.prismaObjectField(ApplicationRef, 'webhook', (t) =>
  t.field({
    type: ApplicationWebhook,
    nullable: true,
    description: 'Null while the application has no provider.',
    select: { repository: true, gitProvider: { select: { id: true, providerType: true } } },
    resolve: async (application, _args, ctx) => {
      const provider = application.gitProvider;
      if (!provider) return null;
      const url = webhookUrl(ctx.publicUrl, provider);
      if (provider.providerType === 'GITHUB') return { url, registered: true, error: null, instructions: null };
      const registration = await ctx.db.webhookRegistration.findUnique({ where: { gitProviderId_repository: { gitProviderId: provider.id, repository: application.repository } } });
      if (registration?.hookId) return { url, registered: true, error: null, instructions: null };
      return { url, registered: false, error: registration?.error ?? null, instructions: manualInstructions(provider.providerType, url) };
    },
  }),
);

const RotateWebhookSecretInput = builder.inputType('RotateWebhookSecretInput', { fields: (t) => ({ id: t.id({ required: true, description: 'A GitLab, Gitea or Bitbucket provider.' }) }) });

const RotateWebhookSecretSuccess = builder.objectRef<{ secret: string; providerId: string }>('RotateWebhookSecretSuccess').implement({
  fields: (t) => ({
    secret: t.exposeString('secret', { description: 'The new secret: shown this once, for a hook added by hand.' }),
    gitProvider: t.prismaField({
      type: GitProviderRef,
      resolve: (query, result, _args, ctx) => ctx.db.gitProvider.findUniqueOrThrow({ ...query, where: { id: result.providerId } }),
    }),
  }),
});

builder.mutationField('rotateWebhookSecret', (t) =>
  t.field({
    type: RotateWebhookSecretSuccess,
    description: 'A new webhook secret for the provider, shown once; hooks forgegraph registered are registered again with it.',
    errors: { types: [...mutationErrors, ...forgeErrors], directResult: true },
    args: { input: t.arg({ type: RotateWebhookSecretInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const { id } = providerIdFrom(input.id);
      return { secret: await rotateWebhookSecret(ctx, ctx.viewer, id), providerId: id };
    },
  }),
);

function manualInstructions(type: 'GITLAB' | 'GITEA' | 'BITBUCKET', url: string): string {
  const secret = 'a secret from rotateWebhookSecret (it is shown once)';
  switch (type) {
    case 'GITLAB':
      return `In the project: Settings › Webhooks › Add new webhook. URL: ${url}. Secret token: ${secret}. Triggers: Push events, Tag push events, Merge request events.`;
    case 'GITEA':
      return `In the repository: Settings › Webhooks › Add webhook › Gitea. Target URL: ${url}. HTTP method POST, content type application/json. Secret: ${secret}. Events: Push, Create, Pull request.`;
    case 'BITBUCKET':
      return `In the repository: Repository settings › Webhooks › Add webhook. URL: ${url}. Secret: ${secret}. Triggers: Repository push; Pull request created, updated, merged, declined.`;
  }
}
