import { randomBytes } from 'node:crypto';
import type { SecretBox } from '../crypto/secret-box.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { GitProviderType } from '../generated/prisma/enums.js';
import { openProviderSecrets, sealProviderSecrets } from '../resolvers/git-providers.js';

/** Where each forge's webhook secret is kept: GitHub's is the App's (from the manifest or typed in); the others are ours. */
export function webhookSecretField(type: GitProviderType): string {
  return type === 'GITHUB' ? 'githubWebhookSecret' : 'webhookSecret';
}

/**
 * The provider's webhook secret. GitLab, Gitea and Bitbucket hooks are registered by forgegraph, so it makes
 * the secret the first time one is needed (32 random bytes, sealed like every secret); GitHub's comes with the
 * App, and may be missing (then no delivery can verify).
 */
export async function providerWebhookSecret(deps: { db: PrismaClient; secrets: SecretBox }, provider: { id: string; providerType: GitProviderType }): Promise<string | null> {
  const field = webhookSecretField(provider.providerType);
  const read = async () => openProviderSecrets(deps.secrets, provider.id, await deps.db.gitProviderSecret.findMany({ where: { gitProviderId: provider.id, field } }))(field);
  const existing = await read();
  if (existing || provider.providerType === 'GITHUB') return existing;
  const [sealed] = sealProviderSecrets(deps.secrets, provider.id, { [field]: randomBytes(32).toString('hex') });
  // Two requests may make one at once: the first insert wins and both use it.
  await deps.db.gitProviderSecret.createMany({ data: [{ gitProviderId: provider.id, ...sealed! }], skipDuplicates: true });
  return read();
}
