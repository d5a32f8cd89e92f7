import type { SecretBox } from '../crypto/secret-box.js';
import type { Prisma, PrismaClient } from '../generated/prisma/client.js';
import type { Logger } from '../logger.js';
import { ForgeError, ForgeReauthorizationRequiredError } from '../providers/errors.js';
import { refreshGiteaTokens } from '../providers/gitea/oauth-refresh.js';
import { refreshGitLabTokens } from '../providers/gitlab/oauth-refresh.js';
import type { ForgeHttp } from '../providers/http/forge-http.js';
import type { TokenSource } from '../providers/settings.js';
import { NotFoundError } from './errors.js';
import { openProviderSecrets, providerSecretWrites, sealProviderSecrets } from './git-providers.js';

/**
 * OAuth tokens of GitLab and Gitea providers, kept fresh without races.
 *
 * - A token that expires within REFRESH_MARGIN_MS is refreshed before use; a 401 for a token asks for one
 *   refresh (and the adapter retries once).
 * - Single-flight across instances: the refresher holds `SELECT … FOR UPDATE` on the GitProvider row in an
 *   interactive transaction while it calls the forge and stores the answer; the others wait on the lock, then
 *   re-read the stored tokens and find them fresh (or, after a 401, different from the one that failed) and
 *   never call the forge. Inside one instance, concurrent callers share one in-flight promise per provider,
 *   so a burst of requests makes one lock holder.
 * - The new tokens are committed before anyone uses them. If storing fails the caller gets TokenStoreError and
 *   the failure is logged without any token.
 * - A refusal (`invalid_grant`) moves the provider to REAUTHORIZATION_REQUIRED with the forge's reason; from
 *   then on its calls fail with ForgeReauthorizationRequiredError, without asking the forge, until
 *   storeOAuthTokens stores new tokens (the OAuth callback) and sets it back to CONNECTED.
 *
 * While the refresher holds the row lock it waits on the forge (bounded by ForgeHttp's single-attempt
 * deadline). On PostgreSQL only that provider's refreshers wait; on embedded PGlite (one session) every
 * query of the process waits for that long.
 */

export interface ProviderTokenDeps {
  db: PrismaClient;
  secrets: SecretBox;
  http: ForgeHttp;
  /** Where a failed token store is reported (without tokens); without one, the error reaches the server's log. */
  logger?: Logger;
}

export interface FreshToken {
  accessToken: string | null;
  expiresAt: Date | null;
}

/** A token expiring within this margin is refreshed before it is used. */
export const REFRESH_MARGIN_MS = 60_000;

export function expiresSoon(expiresAt: Date | null, now = Date.now()): boolean {
  return expiresAt !== null && expiresAt.getTime() - now <= REFRESH_MARGIN_MS;
}

/** Storing freshly issued tokens failed: the forge may already have retired the old ones. No token in it. */
export class TokenStoreError extends Error {
  constructor(providerId: string) {
    super(`Storing the refreshed tokens of Git provider ${providerId} failed; if its calls keep failing, reconnect it`);
    this.name = 'TokenStoreError';
  }
}

/**
 * In-flight refreshes per database client (one per service instance), then per provider. Keyed on the
 * client rather than module-wide so that two instances in one process (the concurrency test) coordinate
 * through the database as separate processes do.
 */
const inFlight = new WeakMap<object, Map<string, Promise<FreshToken>>>();

export interface FreshTokenOptions {
  /** Refresh even if the stored token is not about to expire (after a 401)… */
  force?: boolean;
  /** …unless the stored token is no longer this one (someone refreshed meanwhile: use theirs). */
  failedToken?: string | null;
}

/**
 * The provider's access token, refreshed first when it expires within REFRESH_MARGIN_MS (or, with `force`,
 * when the stored one is still `failedToken`). Throws ForgeReauthorizationRequiredError for a provider whose
 * refresh was refused, other ForgeErrors for a refresh that failed, TokenStoreError when storing failed.
 */
export async function freshAccessToken(deps: ProviderTokenDeps, providerId: string, options: FreshTokenOptions = {}): Promise<FreshToken> {
  const force = options.force ?? false;
  const failedToken = options.failedToken ?? null;
  let flights = inFlight.get(deps.db);
  if (!flights) {
    flights = new Map();
    inFlight.set(deps.db, flights);
  }
  for (let round = 0; ; round++) {
    let flight = flights.get(providerId);
    const joined = flight !== undefined;
    if (!flight) {
      const started = refreshUnderLock(deps, providerId, force, failedToken).finally(() => {
        if (flights.get(providerId) === started) flights.delete(providerId);
      });
      flights.set(providerId, started);
      flight = started;
    }
    const token = await flight;
    // A flight started for another reason (expiry only) may answer the very token that just failed: ask again, under the lock.
    if (joined && round === 0 && force && failedToken !== null && token.accessToken === failedToken) continue;
    return token;
  }
}

type Outcome = { kind: 'token'; token: FreshToken } | { kind: 'refused'; error: ForgeReauthorizationRequiredError };

const TOKEN_FIELDS = ['accessToken', 'refreshToken', 'secret', 'clientSecret'];

async function refreshUnderLock(deps: ProviderTokenDeps, providerId: string, force: boolean, failedToken: string | null): Promise<FreshToken> {
  let issued = false;
  let outcome: Outcome;
  try {
    outcome = await deps.db.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT "id" FROM "GitProvider" WHERE "id" = ${providerId} FOR UPDATE`;
        const provider = await tx.gitProvider.findUnique({
          where: { id: providerId },
          include: { gitlab: true, gitea: true, secrets: { where: { field: { in: TOKEN_FIELDS } } } },
        });
        if (!provider || (provider.providerType !== 'GITLAB' && provider.providerType !== 'GITEA')) throw new NotFoundError('Git provider');
        const forgeName = forgeNameOf(provider);
        if (provider.connectionState === 'REAUTHORIZATION_REQUIRED') {
          return { kind: 'refused', error: new ForgeReauthorizationRequiredError(forgeName, provider.connectionStateReason) } as const;
        }
        const secret = openProviderSecrets(deps.secrets, provider.id, provider.secrets);
        const stored: FreshToken = { accessToken: secret('accessToken'), expiresAt: (provider.gitlab ?? provider.gitea)?.expiresAt ?? null };
        // Re-checked under the lock: whoever held it before may have refreshed already.
        const needed = force ? failedToken === null || stored.accessToken === failedToken : expiresSoon(stored.expiresAt);
        const refreshToken = secret('refreshToken');
        // Without a refresh token there is nothing to refresh with; the forge's own answer (401) will stand.
        if (!needed || !refreshToken) return { kind: 'token', token: stored } as const;

        let tokens;
        try {
          tokens =
            provider.providerType === 'GITLAB'
              ? await refreshGitLabTokens(deps.http, {
                  baseUrl: provider.gitlab?.gitlabInternalUrl || provider.gitlab?.gitlabUrl || 'https://gitlab.com',
                  clientId: provider.gitlab?.applicationId ?? null,
                  clientSecret: secret('secret'),
                  redirectUri: provider.gitlab?.redirectUri ?? null,
                  refreshToken,
                })
              : await refreshGiteaTokens(deps.http, {
                  baseUrl: provider.gitea?.giteaInternalUrl || provider.gitea!.giteaUrl,
                  clientId: provider.gitea?.clientId ?? null,
                  clientSecret: secret('clientSecret'),
                  refreshToken,
                });
        } catch (error) {
          if (!(error instanceof ForgeReauthorizationRequiredError)) throw error;
          await tx.gitProvider.update({
            where: { id: providerId },
            data: { connectionState: 'REAUTHORIZATION_REQUIRED', connectionStateReason: error.reason },
          });
          return { kind: 'refused', error } as const;
        }
        issued = true;
        // GitLab always rotates; a forge that sent no new refresh token keeps the old one valid.
        await writeTokens(tx, deps.secrets, provider, { ...tokens, refreshToken: tokens.refreshToken ?? refreshToken });
        return { kind: 'token', token: { accessToken: tokens.accessToken, expiresAt: tokens.expiresAt } } as const;
      },
      // Waiting for the lock counts towards the timeout: allow for one other holder's forge call before ours.
      { maxWait: 10_000, timeout: 2 * deps.http.callBudgetMs(false) + 10_000 },
    );
  } catch (error) {
    if (issued && !(error instanceof ForgeError)) {
      // Neither the error (Prisma messages can quote the arguments) nor the tokens are logged: names and codes only.
      deps.logger?.error(
        { providerId, error: { name: (error as Error)?.name, code: (error as { code?: unknown })?.code ?? null } },
        'Storing refreshed OAuth tokens failed; the forge may have retired the previous ones',
      );
      throw new TokenStoreError(providerId);
    }
    throw error;
  }
  if (outcome.kind === 'refused') throw outcome.error;
  return outcome.token;
}

/**
 * Stores tokens a forge just issued for a GitLab or Gitea provider (the OAuth callback, a refresh), sealed,
 * with their expiry, and sets the provider back to CONNECTED. Serialized with refreshes by the same row lock.
 * A null refresh token removes the stored one; a null expiry means the token does not expire.
 */
export async function storeOAuthTokens(
  deps: Pick<ProviderTokenDeps, 'db' | 'secrets'>,
  providerId: string,
  tokens: { accessToken: string; refreshToken: string | null; expiresAt: Date | null },
): Promise<void> {
  await deps.db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT "id" FROM "GitProvider" WHERE "id" = ${providerId} FOR UPDATE`;
    const provider = await tx.gitProvider.findUnique({ where: { id: providerId }, select: { id: true, providerType: true } });
    if (!provider || (provider.providerType !== 'GITLAB' && provider.providerType !== 'GITEA')) throw new NotFoundError('Git provider');
    await writeTokens(tx, deps.secrets, provider, tokens);
  });
}

async function writeTokens(
  tx: Prisma.TransactionClient,
  box: SecretBox,
  provider: { id: string; providerType: string },
  tokens: { accessToken: string; refreshToken: string | null; expiresAt: Date | null },
) {
  const values: Record<string, string> = { accessToken: tokens.accessToken };
  if (tokens.refreshToken) values.refreshToken = tokens.refreshToken;
  const sealed = sealProviderSecrets(box, provider.id, values);
  const detail = provider.providerType === 'GITLAB' ? 'gitlab' : 'gitea';
  await tx.gitProvider.update({
    where: { id: provider.id },
    data: {
      connectionState: 'CONNECTED',
      connectionStateReason: null,
      [detail]: { update: { expiresAt: tokens.expiresAt } },
      secrets: providerSecretWrites(provider.id, sealed, tokens.refreshToken ? [] : ['refreshToken']),
    } as Prisma.GitProviderUpdateInput,
  });
}

function forgeNameOf(provider: {
  providerType: string;
  gitlab: { gitlabUrl: string; gitlabInternalUrl: string | null } | null;
  gitea: { giteaUrl: string } | null;
}): string {
  const forge = provider.providerType === 'GITLAB' ? 'GitLab' : 'Gitea';
  const url = provider.providerType === 'GITLAB' ? provider.gitlab?.gitlabUrl : provider.gitea?.giteaUrl;
  try {
    return `${forge} (${new URL(url ?? '').host})`;
  } catch {
    return forge;
  }
}

/**
 * A request's token source for one GitLab/Gitea provider, from the row it loaded: the loaded token until
 * it is about to expire, then a refreshed one (shared by the request's concurrent calls); after a 401, the
 * newer stored token or one refresh. A provider in REAUTHORIZATION_REQUIRED fails every call at once.
 */
export function providerTokenSource(
  deps: ProviderTokenDeps,
  provider: {
    id: string;
    providerType: string;
    connectionState: string;
    connectionStateReason: string | null;
    gitlab: { gitlabUrl: string; gitlabInternalUrl: string | null; expiresAt: Date | null } | null;
    gitea: { giteaUrl: string; expiresAt: Date | null } | null;
  },
  accessToken: string | null,
): TokenSource {
  let known: FreshToken = { accessToken, expiresAt: (provider.gitlab ?? provider.gitea)?.expiresAt ?? null };
  /** The answer of an expiry refresh: if it still expires soon (no refresh token), it is not asked again. */
  let settled: FreshToken | null = null;
  let pending: Promise<FreshToken> | null = null;
  const refuseIfDisconnected = () => {
    if (provider.connectionState === 'REAUTHORIZATION_REQUIRED') {
      throw new ForgeReauthorizationRequiredError(forgeNameOf(provider), provider.connectionStateReason);
    }
  };
  const ask = (options: FreshTokenOptions, settles: boolean): Promise<FreshToken> => {
    const request: Promise<FreshToken> = freshAccessToken(deps, provider.id, options).then(
      (token) => {
        known = token;
        if (settles) settled = token;
        if (pending === request) pending = null;
        return token;
      },
      (error: unknown) => {
        if (pending === request) pending = null;
        throw error;
      },
    );
    pending = request;
    return request;
  };
  return {
    async current() {
      refuseIfDisconnected();
      if (pending) return (await pending).accessToken;
      if (known !== settled && expiresSoon(known.expiresAt)) return (await ask({}, true)).accessToken;
      return known.accessToken;
    },
    async afterUnauthorized(failed) {
      refuseIfDisconnected();
      if (pending) {
        const token = await pending;
        if (token.accessToken !== failed) return token.accessToken;
      }
      if (known.accessToken !== failed) return known.accessToken;
      return (await ask({ force: true, failedToken: failed }, false)).accessToken;
    },
  };
}
