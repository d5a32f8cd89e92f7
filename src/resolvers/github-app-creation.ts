import { z } from 'zod';
import type { SecretBox } from '../crypto/secret-box.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import { gitHubApiBaseUrl } from '../providers/github/api-url.js';
import { verifyInstallation } from '../providers/github/installation.js';
import {
  appCreationUrl,
  buildAppManifest,
  convertManifestCode,
  GITHUB_LOGIN,
  gitHubWebUrl,
  installationUrl,
  MAX_APP_NAME_LENGTH,
} from '../providers/github/manifest.js';
import type { ForgeHttp } from '../providers/http/forge-http.js';
import { NotAllowedError, NotFoundError, ValidationError } from './errors.js';
import { createGitProvider, readProviderSecret, updateGitProvider } from './git-providers.js';
import { consumeState, issueState, OAuthStateError, peekState } from './oauth-states.js';
import { httpUrlSchema, parseInput } from './validation.js';
import type { Viewer } from './viewer.js';

/** The GitHub App manifest flow and the installation redirect that follows it (issue 4). */

export interface AppCreationDeps {
  db: PrismaClient;
  secrets: SecretBox;
  publicUrl: string;
}

export interface AppCallbackDeps extends AppCreationDeps {
  http: ForgeHttp;
}

/** Where this service shows the manifest form to a browser (GET, `?state=`). */
export const MANIFEST_PAGE_PATH = '/api/github/manifest';

/** The non-secret details a manifest state carries from the start to the callback. */
interface ManifestFlowData {
  name: string;
  githubUrl: string;
  organization: string | null;
}

const startInput = z.object({
  name: z.string().trim().min(1, 'must not be empty').max(MAX_APP_NAME_LENGTH, `must be at most ${MAX_APP_NAME_LENGTH} characters (GitHub's limit for an App name)`),
  githubUrl: httpUrlSchema.optional(),
  organization: z.string().trim().regex(GITHUB_LOGIN, 'must be a GitHub organization login').optional(),
});

export interface StartedAppCreation {
  /** The form action: GitHub's "new App" page with the state. */
  url: string;
  /** The manifest, as the JSON string to post in the `manifest` form field. */
  manifest: string;
  state: string;
  expiresAt: Date;
  /** A page of this service that posts the manifest to `url` when its button is pressed. */
  pageUrl: string;
}

/** Any member may start it: the App becomes a provider created by them, as createGitHubProvider would. */
export async function startGitHubAppCreation(
  deps: AppCreationDeps,
  viewer: Viewer,
  input: { name: string; githubUrl?: string | null; organization?: string | null },
): Promise<StartedAppCreation> {
  const parsed = parseInput(startInput, {
    name: input.name,
    ...(input.githubUrl ? { githubUrl: input.githubUrl } : {}),
    ...(input.organization !== undefined && input.organization !== null ? { organization: input.organization } : {}),
  });
  const githubUrl = gitHubWebUrl(parsed.githubUrl ?? 'https://github.com');
  try {
    gitHubApiBaseUrl(githubUrl);
  } catch {
    throw new ValidationError('githubUrl', 'githubUrl is not a GitHub web URL');
  }
  const data: ManifestFlowData = { name: parsed.name, githubUrl, organization: parsed.organization ?? null };
  const { state, expiresAt } = await issueState(deps, viewer, 'github-manifest', { data: { ...data } });
  return {
    url: appCreationUrl(githubUrl, state, data.organization),
    manifest: JSON.stringify(buildAppManifest(data.name, deps.publicUrl)),
    state,
    expiresAt,
    pageUrl: `${deps.publicUrl}${MANIFEST_PAGE_PATH}?state=${encodeURIComponent(state)}`,
  };
}

/**
 * The manifest form of a pending manifest state, for the page that posts it. The state is only read, not
 * used up: GitHub hands it back to the setup URL, which consumes it.
 */
export async function manifestFormFor(deps: AppCreationDeps, state: string | null): Promise<{ url: string; manifest: string; githubOrigin: string }> {
  const row = await peekState(deps, state, 'github-manifest');
  const data = flowData(row.data);
  return {
    url: appCreationUrl(data.githubUrl, state!, data.organization),
    manifest: JSON.stringify(buildAppManifest(data.name, deps.publicUrl)),
    githubOrigin: new URL(gitHubWebUrl(data.githubUrl)).origin,
  };
}

export interface CreatedApp {
  providerId: string;
  appId: number;
  slug: string;
  /** The App's installation page, with a new 'github-install' state bound to the provider. */
  installUrl: string;
}

/**
 * GitHub's redirect after creating the App: the state is used up first (it names the organization, the user
 * and the GitHub host), then the code is converted, then the provider is created with every secret sealed.
 * Nothing is written but the used state when any step fails.
 */
export async function completeGitHubAppCreation(deps: AppCallbackDeps, state: string | null, code: string): Promise<CreatedApp> {
  const consumed = await consumeState(deps, state, 'github-manifest');
  const data = flowData(consumed.data);
  const viewer = await viewerOf(deps.db, consumed);
  const app = await convertManifestCode(data.githubUrl, code, deps.http);
  const provider = await createGitProvider(deps, viewer, 'GITHUB', {
    name: data.name,
    githubUrl: data.githubUrl,
    githubAppId: app.appId,
    githubAppName: app.slug,
    githubClientId: app.clientId,
    githubClientSecret: app.clientSecret,
    githubPrivateKey: app.privateKey,
    ...(app.webhookSecret ? { githubWebhookSecret: app.webhookSecret } : {}),
  });
  const install = await issueState(deps, viewer, 'github-install', { gitProviderId: provider.id });
  return { providerId: provider.id, appId: app.appId, slug: app.slug, installUrl: installationUrl(app.installUrl, install.state) };
}

export interface InstalledApp {
  providerId: string;
  installationId: string;
  account: string | null;
}

/**
 * GitHub's redirect after installing (or updating the installation of) the App: the state (bound to the
 * provider) is used up first, then GitHub is asked, as the App, whether the installation is this App's;
 * only then is the installation ID stored.
 */
export async function completeGitHubAppInstallation(deps: AppCallbackDeps, state: string | null, installationId: string): Promise<InstalledApp> {
  const consumed = await consumeState(deps, state, 'github-install');
  const viewer = await viewerOf(deps.db, consumed);
  if (!consumed.gitProviderId) throw new NotFoundError('Git provider');
  const provider = await deps.db.gitProvider.findFirst({
    where: { id: consumed.gitProviderId, organizationId: consumed.organizationId, providerType: 'GITHUB' },
    include: { github: true },
  });
  if (!provider?.github) throw new NotFoundError('Git provider');
  const privateKey = await readProviderSecret(deps, provider.id, 'githubPrivateKey');
  const { githubAppId, githubUrl } = provider.github;
  if (!githubAppId || !privateKey) throw new NotFoundError('GitHub App credentials of the provider');

  const verified = await verifyInstallation({ githubUrl, githubAppId, githubPrivateKey: privateKey }, deps.http, installationId);
  await updateGitProvider(deps, viewer, 'GITHUB', provider.id, { githubInstallationId: verified.installationId });
  return { providerId: provider.id, installationId: verified.installationId, account: verified.account };
}

/** The viewer who started the flow, with their role in the organization as it is now. */
async function viewerOf(db: PrismaClient, consumed: { organizationId: string; userId: string }): Promise<Viewer> {
  const member = await db.member.findUnique({
    where: { organizationId_userId: { organizationId: consumed.organizationId, userId: consumed.userId } },
    select: { role: true },
  });
  if (!member) throw new NotAllowedError('The user who started this flow is no longer a member of the organization.');
  return { userId: consumed.userId, organizationId: consumed.organizationId, role: member.role, apiKeyId: '' };
}

function flowData(value: unknown): ManifestFlowData {
  const data = (value ?? {}) as Partial<ManifestFlowData>;
  if (typeof data.name !== 'string' || typeof data.githubUrl !== 'string') {
    throw new OAuthStateError('unknown', 'This link is not one forgegraph issued: start again from forgegraph.');
  }
  return { name: data.name, githubUrl: data.githubUrl, organization: typeof data.organization === 'string' ? data.organization : null };
}
