import { createHash, randomBytes } from 'node:crypto';
import type { SecretBox } from '../crypto/secret-box.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { GitProviderType } from '../generated/prisma/enums.js';
import { exchangeGiteaCode, giteaAuthorizeUrl } from '../providers/gitea/oauth.js';
import { exchangeGitLabCode, gitLabAuthorizeUrl } from '../providers/gitlab/oauth.js';
import type { ForgeHttp } from '../providers/http/forge-http.js';
import { DomainError, NotAllowedError, NotFoundError, ValidationError } from './errors.js';
import { assertMayChange, readProviderSecret, updateGitProvider, visibleProviders } from './git-providers.js';
import { consumeState, issueState } from './oauth-states.js';
import type { Viewer } from './viewer.js';

/**
 * The GitLab and Gitea OAuth authorization-code flow with PKCE: `authorizeGitProvider` records a state and
 * returns the forge's authorize URL; the forge sends the browser back to PUBLIC_URL/api/<forge>/callback,
 * where `completeAuthorization` checks the state before anything else, exchanges the code (at the internal
 * URL when set) and stores the tokens, sealed, on the provider the state was issued for.
 */
export type OAuthForge = 'gitlab' | 'gitea';

export const CALLBACK_PATHS: Record<OAuthForge, string> = { gitlab: '/api/gitlab/callback', gitea: '/api/gitea/callback' };

const FLOW_OF: Partial<Record<GitProviderType, OAuthForge>> = { GITLAB: 'gitlab', GITEA: 'gitea' };
const TYPE_OF: Record<OAuthForge, GitProviderType> = { gitlab: 'GITLAB', gitea: 'GITEA' };
export const FORGE_NAMES: Record<OAuthForge, string> = { gitlab: 'GitLab', gitea: 'Gitea' };
/** Where each forge's OAuth fields live: the application id and the secret field names differ. */
const FIELDS = {
  gitlab: { clientId: 'applicationId', clientSecret: 'secret' },
  gitea: { clientId: 'clientId', clientSecret: 'clientSecret' },
} as const;

export interface StartedAuthorization {
  authorizationUrl: string;
  expiresAt: Date;
}

/** The redirect URI a provider must be registered with on the forge (and carry in `redirectUri`). */
export function callbackUrl(publicUrl: string, flow: OAuthForge): string {
  return `${publicUrl.replace(/\/+$/, '')}${CALLBACK_PATHS[flow]}`;
}

/** Starts the browser flow for a GitLab or Gitea provider the viewer may change. */
export async function authorizeGitProvider(
  deps: { db: PrismaClient; secrets: SecretBox; publicUrl: string },
  viewer: Viewer,
  providerId: string,
): Promise<StartedAuthorization> {
  const provider = await deps.db.gitProvider.findFirst({
    where: { id: providerId, ...visibleProviders(viewer) },
    include: { gitlab: true, gitea: true, secrets: { select: { field: true } } },
  });
  if (!provider) throw new NotFoundError('Git provider');
  assertMayChange(viewer, provider);
  const flow = FLOW_OF[provider.providerType];
  const detail = provider.gitlab ?? provider.gitea;
  if (!flow || !detail) throw new ValidationError('id', 'Only GitLab and Gitea providers connect with OAuth');

  const fields = FIELDS[flow];
  const clientId = (detail as Record<string, unknown>)[fields.clientId] as string | null;
  if (!clientId) throw new ValidationError(fields.clientId, `${fields.clientId} is required: the OAuth application's id on ${FORGE_NAMES[flow]}`);
  if (!provider.secrets.some((s) => s.field === fields.clientSecret)) {
    throw new ValidationError(fields.clientSecret, `${fields.clientSecret} is required: the OAuth application's secret on ${FORGE_NAMES[flow]}`);
  }
  const expected = callbackUrl(deps.publicUrl, flow);
  if (!detail.redirectUri) throw new ValidationError('redirectUri', `redirectUri is required; it must be ${expected}`);
  if (detail.redirectUri !== expected) {
    throw new ValidationError('redirectUri', `redirectUri must be ${expected} (this service's PUBLIC_URL and the ${FORGE_NAMES[flow]} callback), also in the OAuth application on ${FORGE_NAMES[flow]}`);
  }

  // PKCE (RFC 7636): 64 characters from 48 random bytes; the challenge is its SHA-256, base64url.
  const codeVerifier = randomBytes(48).toString('base64url');
  const codeChallenge = createHash('sha256').update(codeVerifier).digest('base64url');
  const { state, expiresAt } = await issueState(deps, viewer, flow, {
    gitProviderId: provider.id,
    codeVerifier,
    data: { redirectUri: detail.redirectUri },
  });
  const authorizationUrl =
    flow === 'gitlab'
      ? gitLabAuthorizeUrl(provider.gitlab!.gitlabUrl, { clientId, redirectUri: detail.redirectUri, state, codeChallenge })
      : giteaAuthorizeUrl(provider.gitea!.giteaUrl, { clientId, redirectUri: detail.redirectUri, state, codeChallenge, scopes: provider.gitea!.scopes });
  return { authorizationUrl, expiresAt };
}

/** The forge sent the browser back with `error=…` (the user denied access, or the request was refused). */
export class AuthorizationDeniedError extends DomainError {
  readonly code = 'AUTHORIZATION_DENIED';
  constructor(
    readonly forgeError: string,
    message: string,
  ) {
    super(message);
    this.name = 'AuthorizationDeniedError';
  }
}

export interface CallbackParams {
  code: string | null;
  state: string | null;
  error: string | null;
}

export interface CompletedAuthorization {
  providerId: string;
  providerName: string;
  expiresAt: Date | null;
}

const CODE = /^[A-Za-z0-9._~+/=-]{1,1024}$/;
const ERROR_CODE = /^[a-z_]{1,64}$/;

/**
 * The callback: the state is consumed first (a missing, unknown, used, expired or foreign one changes
 * nothing), then the forge's error or the code is looked at, the code exchanged and the tokens stored on the
 * state's provider as the user who started the flow, with the rights they have now, in one write.
 */
export async function completeAuthorization(
  deps: { db: PrismaClient; secrets: SecretBox; http: ForgeHttp },
  flow: OAuthForge,
  params: CallbackParams,
): Promise<CompletedAuthorization> {
  const consumed = await consumeState(deps, params.state, flow);
  const forge = FORGE_NAMES[flow];
  if (params.error !== null) {
    const reason = ERROR_CODE.test(params.error) ? params.error : 'error';
    throw new AuthorizationDeniedError(
      reason,
      reason === 'access_denied'
        ? `Access was denied on ${forge}; nothing was changed. Start again from forgegraph to connect the provider.`
        : `${forge} did not authorize forgegraph (${reason}); nothing was changed. Start again from forgegraph.`,
    );
  }
  if (!params.code || !CODE.test(params.code)) throw new ValidationError('code', `${forge}'s redirect carries no valid code; nothing was changed. Start again from forgegraph.`);
  if (!consumed.gitProviderId || !consumed.codeVerifier) throw new NotFoundError('Git provider');

  // As the user who started the flow, with the role they hold now: demoted or removed since, they may not finish it.
  const member = await deps.db.member.findUnique({
    where: { organizationId_userId: { organizationId: consumed.organizationId, userId: consumed.userId } },
    select: { role: true },
  });
  if (!member) throw new NotAllowedError('The user who started this connection is no longer a member of the organization');
  const viewer: Viewer = { organizationId: consumed.organizationId, userId: consumed.userId, role: member.role, apiKeyId: '' };

  const type = TYPE_OF[flow];
  const provider = await deps.db.gitProvider.findFirst({
    where: { id: consumed.gitProviderId, providerType: type, ...visibleProviders(viewer) },
    include: { gitlab: true, gitea: true },
  });
  if (!provider) throw new NotFoundError('Git provider');
  assertMayChange(viewer, provider);
  const fields = FIELDS[flow];
  const internal = flow === 'gitlab' ? provider.gitlab : provider.gitea;
  const clientId = (internal as Record<string, unknown> | null)?.[fields.clientId] as string | null | undefined;
  const clientSecret = await readProviderSecret(deps, provider.id, fields.clientSecret);
  if (!internal || !clientId) throw new ValidationError(fields.clientId, `The provider has no ${fields.clientId} any more; nothing was changed.`);
  if (!clientSecret) throw new ValidationError(fields.clientSecret, `The provider has no ${fields.clientSecret} any more; nothing was changed.`);
  const redirectUri = redirectUriOf(consumed.data) ?? internal.redirectUri;
  if (!redirectUri) throw new ValidationError('redirectUri', 'The provider has no redirectUri any more; nothing was changed.');

  const fetchFn = deps.http.fetchFn({ retry: false });
  const grant = { code: params.code, redirectUri, codeVerifier: consumed.codeVerifier };
  const tokens =
    flow === 'gitlab'
      ? await exchangeGitLabCode(fetchFn, { baseUrl: provider.gitlab!.gitlabInternalUrl ?? provider.gitlab!.gitlabUrl, clientId, clientSecret }, grant)
      : await exchangeGiteaCode(fetchFn, { baseUrl: provider.gitea!.giteaInternalUrl ?? provider.gitea!.giteaUrl, clientId, clientSecret }, grant);

  // One write: the access token, the refresh token (or none: an old one belongs to another grant) and the expiry.
  const updated = await updateGitProvider(deps, viewer, type, provider.id, {
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    expiresAt: tokens.expiresAt,
  }).catch((error: unknown) => {
    // Deleted between the check and the write.
    if ((error as { code?: string }).code === 'P2025') throw new NotFoundError('Git provider');
    throw error;
  });
  return { providerId: updated.id, providerName: updated.name, expiresAt: tokens.expiresAt };
}

function redirectUriOf(data: unknown): string | null {
  const value = data && typeof data === 'object' ? (data as Record<string, unknown>).redirectUri : null;
  return typeof value === 'string' ? value : null;
}
