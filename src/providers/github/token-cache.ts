import { createHash } from 'node:crypto';

/** What @octokit/auth-app expects of its `cache` option. */
export interface AuthAppCache {
  get(key: string): string | undefined;
  set(key: string, value: string): void;
}

/** A namespace of the process-wide installation-token cache, for one App installation. */
export interface InstallationTokenCache extends AuthAppCache {
  /** Drop the cached token (GitHub refused it), so the next call mints a new one. */
  forget(): void;
}

// auth-app keeps its tokens for 59 minutes (GitHub's expiry is 1 hour); so does this cache.
const TTL_MS = 59 * 60 * 1000;
const MAX_ENTRIES = 1000;
const entries = new Map<string, { value: string; expiresAt: number }>();

/**
 * Adapters live for one GraphQL request, so auth-app's own per-instance cache would mint an installation
 * token on every request. This one is shared by every adapter in the process, keyed by API base, App,
 * installation and a hash of the private key (a rotated key gets new tokens).
 */
export function installationTokenCache(parts: { apiBaseUrl: string; appIdentity: string; installationId: string; privateKey: string }): InstallationTokenCache {
  const namespace = createHash('sha256')
    .update([parts.apiBaseUrl, parts.appIdentity, parts.installationId, createHash('sha256').update(parts.privateKey).digest('hex')].join('\0'))
    .digest('hex');
  return {
    get(key) {
      const entry = entries.get(`${namespace}:${key}`);
      if (!entry) return undefined;
      if (entry.expiresAt <= Date.now()) {
        entries.delete(`${namespace}:${key}`);
        return undefined;
      }
      return entry.value;
    },
    set(key, value) {
      const full = `${namespace}:${key}`;
      entries.delete(full);
      entries.set(full, { value, expiresAt: Date.now() + TTL_MS });
      while (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value!);
    },
    forget() {
      for (const key of [...entries.keys()]) if (key.startsWith(`${namespace}:`)) entries.delete(key);
    },
  };
}
