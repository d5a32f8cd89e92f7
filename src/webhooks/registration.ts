import type { SecretBox } from '../crypto/secret-box.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { GitProviderType } from '../generated/prisma/enums.js';
import type { Logger } from '../logger.js';
import { ForgeError } from '../providers/errors.js';
import type { ForgeAccess } from '../resolvers/forge-access.js';
import { webhookUrl } from '../routes/webhooks.js';
import { providerWebhookSecret } from './webhook-secret.js';

export interface RegistrationDeps {
  db: PrismaClient;
  secrets: SecretBox;
  publicUrl: string;
  forge: ForgeAccess;
  logger?: Logger;
}

/**
 * Makes sure the repository's webhook exists on the forge (GitLab, Gitea, Bitbucket; a GitHub App has its own),
 * once per provider and repository. When the forge refuses (the credentials may not manage hooks), the reason is
 * kept and the application shows how to add the hook by hand; creating the application still succeeds.
 */
export async function registerWebhook(deps: RegistrationDeps, provider: { id: string; providerType: GitProviderType }, repository: string): Promise<void> {
  if (provider.providerType === 'GITHUB') return;
  const existing = await deps.db.webhookRegistration.findUnique({ where: { gitProviderId_repository: { gitProviderId: provider.id, repository } } });
  if (existing?.hookId) return;
  const secret = await providerWebhookSecret(deps, provider);
  let outcome: { hookId: string | null; error: string | null };
  try {
    const hookId = await deps.forge.createWebhook(provider.id, repository, { url: webhookUrl(deps.publicUrl, provider), secret: secret!, push: true, tags: true, pullRequests: true });
    outcome = { hookId, error: null };
  } catch (error) {
    if (!(error instanceof ForgeError)) throw error;
    outcome = { hookId: null, error: error.message };
  }
  await deps.db.webhookRegistration.upsert({
    where: { gitProviderId_repository: { gitProviderId: provider.id, repository } },
    create: { gitProviderId: provider.id, repository, ...outcome },
    update: outcome,
  });
}

/** Removes the repository's webhook when no application of the provider uses the repository any more. */
export async function releaseWebhook(deps: RegistrationDeps, providerId: string, repository: string): Promise<void> {
  const users = await deps.db.application.count({ where: { gitProviderId: providerId, repository } });
  if (users > 0) return;
  const registration = await deps.db.webhookRegistration.findUnique({ where: { gitProviderId_repository: { gitProviderId: providerId, repository } } });
  if (!registration) return;
  await deps.db.webhookRegistration.deleteMany({ where: { gitProviderId: providerId, repository } });
  if (!registration.hookId) return;
  try {
    await deps.forge.deleteWebhook(providerId, repository, registration.hookId);
  } catch (error) {
    if (!(error instanceof ForgeError)) throw error;
    deps.logger?.warn({ providerId, repository, reason: error.message }, 'Could not remove the repository webhook');
  }
}
