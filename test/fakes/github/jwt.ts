import { verify, type KeyObject } from 'node:crypto';

/** GitHub's answers to a bad App JWT (contract: github/error-bodies.json). */
export const JWT_MESSAGES = {
  undecodable: 'A JSON web token could not be decoded',
  expInvalid: "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires",
  expTooFar: "'Expiration time' claim ('exp') is too far in the future",
  iatInvalid: "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued",
} as const;

export interface AppIdentity {
  appId: number;
  clientId: string;
  publicKey: KeyObject;
}

/**
 * Checks an App JWT as GitHub does: RS256 signed by the App's key, `iss` the App ID or client ID, `iat` not
 * in the future, `exp` in the future and at most 10 minutes ahead (all against the fake's clock).
 * Returns null when it is good, else GitHub's message.
 */
export function jwtProblem(token: string, app: AppIdentity, nowSeconds: number): string | null {
  const parts = token.split('.');
  if (parts.length !== 3) return JWT_MESSAGES.undecodable;
  const [encodedHeader, encodedPayload, encodedSignature] = parts as [string, string, string];
  let header: { alg?: unknown };
  let payload: { iss?: unknown; iat?: unknown; exp?: unknown };
  try {
    header = JSON.parse(Buffer.from(encodedHeader, 'base64url').toString('utf8'));
    payload = JSON.parse(Buffer.from(encodedPayload, 'base64url').toString('utf8'));
  } catch {
    return JWT_MESSAGES.undecodable;
  }
  if (header.alg !== 'RS256') return JWT_MESSAGES.undecodable;
  const signed = verify('RSA-SHA256', Buffer.from(`${encodedHeader}.${encodedPayload}`), app.publicKey, Buffer.from(encodedSignature, 'base64url'));
  if (!signed) return JWT_MESSAGES.undecodable;
  if (String(payload.iss) !== String(app.appId) && payload.iss !== app.clientId) return JWT_MESSAGES.undecodable;
  if (!Number.isInteger(payload.iat) || (payload.iat as number) > nowSeconds + 60) return JWT_MESSAGES.iatInvalid;
  if (typeof payload.exp !== 'number' || payload.exp <= nowSeconds) return JWT_MESSAGES.expInvalid;
  if (payload.exp > nowSeconds + 600) return JWT_MESSAGES.expTooFar;
  return null;
}
