import { createHash, randomBytes } from 'node:crypto';
import type { SecretBox } from '../crypto/secret-box.js';
import type { Prisma, PrismaClient } from '../generated/prisma/client.js';
import { DomainError } from './errors.js';
import type { Viewer } from './viewer.js';

export type OAuthFlow = 'github-manifest' | 'github-install' | 'gitlab' | 'gitea';

export const STATE_TTL_MS = 10 * 60 * 1000;

/** Why a callback's `state` was refused; the callback then changes nothing and says this. */
export class OAuthStateError extends DomainError {
  readonly code = 'INVALID_STATE';
  constructor(
    readonly reason: 'missing' | 'unknown' | 'used' | 'expired' | 'foreign',
    message: string,
  ) {
    super(message);
    this.name = 'OAuthStateError';
  }
}

export interface IssuedState {
  state: string;
  expiresAt: Date;
}

export interface ConsumedState {
  organizationId: string;
  userId: string;
  gitProviderId: string | null;
  codeVerifier: string | null;
  data: Prisma.JsonValue | null;
}

const hash = (state: string) => createHash('sha256').update(state).digest('hex');
const verifierContext = (stateHash: string) => `oauth-state:${stateHash}:codeVerifier`;

/** A new random state bound to the viewer's organization and user, the flow, and the provider when there is one. */
export async function issueState(
  deps: { db: PrismaClient; secrets: SecretBox },
  viewer: Viewer,
  flow: OAuthFlow,
  options: { gitProviderId?: string; codeVerifier?: string; data?: Prisma.InputJsonValue } = {},
): Promise<IssuedState> {
  const state = randomBytes(32).toString('base64url');
  const stateHash = hash(state);
  const expiresAt = new Date(Date.now() + STATE_TTL_MS);
  const sealed = options.codeVerifier ? deps.secrets.seal(options.codeVerifier, verifierContext(stateHash)) : null;
  await deps.db.oAuthState.create({
    data: {
      stateHash,
      flow,
      organizationId: viewer.organizationId,
      userId: viewer.userId,
      gitProviderId: options.gitProviderId ?? null,
      verifierKeyId: sealed?.keyId ?? null,
      verifierSealed: sealed?.ciphertext ?? null,
      data: options.data,
      expiresAt,
    },
  });
  return { state, expiresAt };
}

/** A pending state as a callback would find it, checked but not used up (for pages shown before the forge's redirect). */
export async function peekState(deps: { db: PrismaClient }, state: string | null, flow: OAuthFlow) {
  if (!state) throw new OAuthStateError('missing', 'The request carries no state: start again from forgegraph.');
  const row = await deps.db.oAuthState.findUnique({ where: { stateHash: hash(state) } });
  if (!row) throw new OAuthStateError('unknown', 'This link is not one forgegraph issued: start again from forgegraph.');
  if (row.flow !== flow) throw new OAuthStateError('foreign', 'This link belongs to another connection flow: start again from forgegraph.');
  if (row.consumedAt) throw new OAuthStateError('used', 'This link has already been used: start again from forgegraph.');
  if (row.expiresAt.getTime() <= Date.now()) {
    throw new OAuthStateError('expired', 'This link has expired (after 10 minutes): start again from forgegraph.');
  }
  return row;
}

/**
 * Takes a state from a callback: it must exist, be for this flow, unused and unexpired. Marking it used is
 * one conditional UPDATE, so two callbacks racing with the same state cannot both pass.
 */
export async function consumeState(
  deps: { db: PrismaClient; secrets: SecretBox },
  state: string | null,
  flow: OAuthFlow,
): Promise<ConsumedState> {
  const row = await peekState(deps, state, flow);
  const { count } = await deps.db.oAuthState.updateMany({
    where: { id: row.id, consumedAt: null, expiresAt: { gt: new Date() } },
    data: { consumedAt: new Date() },
  });
  if (count === 0) throw new OAuthStateError('used', 'This link has already been used: start again from forgegraph.');
  const codeVerifier =
    row.verifierKeyId && row.verifierSealed
      ? deps.secrets.open({ keyId: row.verifierKeyId, ciphertext: row.verifierSealed }, verifierContext(row.stateHash))
      : null;
  return { organizationId: row.organizationId, userId: row.userId, gitProviderId: row.gitProviderId, codeVerifier, data: row.data };
}
