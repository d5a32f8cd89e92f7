import type { ListWindow, Page } from './types.js';

/** One page of a forge listing, as an adapter fetched it. */
export interface ForgePage<T> {
  items: T[];
  /** Whether the forge says another page follows (a `next` link, `X-Next-Page`, a `next` URL). */
  hasMore: boolean;
  totalCount?: number | null;
}

/**
 * The window [offset, offset + limit) of a listing the forge serves in numbered pages of `pageSize`:
 * only the pages the window covers are fetched, in order.
 */
export async function windowFromPages<T>(
  fetchPage: (page: number) => Promise<ForgePage<T>>,
  window: ListWindow,
  pageSize: number,
): Promise<Page<T>> {
  let page = Math.floor(window.offset / pageSize) + 1;
  const skip = window.offset % pageSize;
  const collected: T[] = [];
  let totalCount: number | null = null;
  for (;;) {
    const result = await fetchPage(page);
    totalCount ??= result.totalCount ?? null;
    collected.push(...result.items);
    if (!result.hasMore || result.items.length === 0 || collected.length >= skip + window.limit) break;
    page += 1;
  }
  return { items: collected.slice(skip, skip + window.limit), totalCount };
}

/**
 * For a forge that cannot filter on its side: every page is read, `keep` filters, then the window is cut.
 * Costs the whole listing, so it is used only when a search is asked for.
 */
export async function windowFromFilteredPages<T>(
  fetchPage: (page: number) => Promise<ForgePage<T>>,
  keep: (item: T) => boolean,
  window: ListWindow,
): Promise<Page<T>> {
  const matching: T[] = [];
  for (let page = 1; ; page++) {
    const result = await fetchPage(page);
    matching.push(...result.items.filter(keep));
    if (!result.hasMore || result.items.length === 0) break;
  }
  return { items: matching.slice(window.offset, window.offset + window.limit), totalCount: matching.length };
}

/** Case-insensitive substring match, the service-side stand-in for a forge's own search. */
export function matchesSearch(search: string | null | undefined, ...texts: string[]): boolean {
  if (!search) return true;
  const needle = search.toLowerCase();
  return texts.some((text) => text.toLowerCase().includes(needle));
}
