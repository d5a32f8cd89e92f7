/** Gitea's page headers: `Link` (rel next,last,first,prev joined by ",") and `X-Total-Count`. */

/** Gitea clamps `limit` to `[api] MAX_RESPONSE_ITEMS`, 50 unless the operator changed it. */
export const GITEA_PAGE_SIZE = 50;

export function totalCountOf(headers: Headers): number | null {
  const value = headers.get('x-total-count');
  if (value === null || value.trim() === '') return null;
  const count = Number(value);
  return Number.isInteger(count) && count >= 0 ? count : null;
}

/**
 * Whether another page follows. The `Link` URLs themselves are never followed: Gitea builds them on its
 * public ROOT_URL, which is not the address to use when the provider has an internal URL.
 */
export function hasNextPage(headers: Headers, page: number, pageSize: number, received: number): boolean {
  const link = headers.get('link');
  if (link !== null) return relations(link).has('next');
  const total = totalCountOf(headers);
  if (total !== null) return page * pageSize < total;
  return received >= pageSize;
}

function relations(link: string): Set<string> {
  const rels = new Set<string>();
  for (const match of link.matchAll(/<[^>]*>\s*;\s*rel="?([^",;]+)"?/g)) rels.add(match[1]!.toLowerCase());
  return rels;
}

/**
 * Thrown by a page fetch when the forge served a different page size than asked (an instance with a smaller
 * MAX_RESPONSE_ITEMS): offsets computed with the assumed size would be wrong, so the window is read again.
 */
export class PageSizeMismatch extends Error {
  constructor(readonly actual: number) {
    super(`Gitea served pages of ${actual} items`);
  }
}
