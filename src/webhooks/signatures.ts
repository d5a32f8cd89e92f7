import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Whether `signature` is the hex HMAC-SHA256 of the raw body under `secret` (GitHub's X-Hub-Signature-256 and
 * Bitbucket's X-Hub-Signature after their `sha256=` prefix, Gitea's X-Gitea-Signature as it is). Computed over
 * the bytes as received, compared in constant time.
 */
export function hmacSha256Matches(secret: string, body: Buffer, signature: string | null, prefix = ''): boolean {
  if (!signature || !signature.startsWith(prefix)) return false;
  const hex = signature.slice(prefix.length);
  if (!/^[0-9a-f]{64}$/i.test(hex)) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  return timingSafeEqual(expected, Buffer.from(hex, 'hex'));
}

/** Whether GitLab's X-Gitlab-Token equals the secret; hashed first so the comparison takes the same time whatever the lengths. */
export function tokenMatches(secret: string, token: string | null): boolean {
  if (token === null) return false;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(secret), digest(token));
}
