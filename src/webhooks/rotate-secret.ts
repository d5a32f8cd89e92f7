import { randomBytes } from 'node:crypto';
import { ForgeError } from '../providers/errors.js';
import { NotFoundError, ValidationError } from '../resolvers/errors.js';
import { assertMayChange, providerSecretWrites, sealProviderSecrets, visibleProviders } from '../resolvers/git-providers.js';
import type { Viewer } from '../resolvers/viewer.js';
import { webhookUrl } from '../routes/webhooks.js';
import type { RegistrationDeps } from './registration.js';

/**
 * A new webhook secret for a GitLab, Gitea or Bitbucket provider, shown this once (for adding a hook by hand);
 * the hooks forgegraph registered are registered again with it. GitHub's secret is the App's: it changes on
 * GitHub and then in updateGitHubProvider.
 */
export async function rotateWebhookSecret(deps: RegistrationDeps, viewer: Viewer, providerId: string): Promise<string> {
  const provider = await deps.db.gitProvider.findFirst({ where: { id: providerId, ...visibleProviders(viewer) }, select: { id: true, userId: true, providerType: true } });
  if (!provider) throw new NotFoundError('Git provider');
  assertMayChange(viewer, provider);
  if (provider.providerType === 'GITHUB') {
    throw new ValidationError('id', 'A GitHub App’s webhook secret is set on GitHub (App settings › Webhook secret); then set githubWebhookSecret with updateGitHubProvider');
  }
  const secret = randomBytes(32).toString('hex');
  const sealed = sealProviderSecrets(deps.secrets, provider.id, { webhookSecret: secret });
  await deps.db.gitProvider.update({ where: { id: provider.id }, data: { secrets: providerSecretWrites(provider.id, sealed, []) } });

  const url = webhookUrl(deps.publicUrl, provider);
  for (const registration of await deps.db.webhookRegistration.findMany({ where: { gitProviderId: provider.id, hookId: { not: null } } })) {
    let outcome: { hookId: string | null; error: string | null };
    try {
      await deps.forge.deleteWebhook(provider.id, registration.repository, registration.hookId!);
      outcome = { hookId: await deps.forge.createWebhook(provider.id, registration.repository, { url, secret, push: true, tags: true, pullRequests: true }), error: null };
    } catch (error) {
      if (!(error instanceof ForgeError)) throw error;
      outcome = { hookId: null, error: error.message };
    }
    await deps.db.webhookRegistration.update({ where: { gitProviderId_repository: { gitProviderId: provider.id, repository: registration.repository } }, data: outcome });
  }
  return secret;
}
