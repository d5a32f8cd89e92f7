import { windowFromPages, type ForgePage } from '../paging.js';
import type { ListWindow, Page } from '../types.js';

/** GitLab's largest page (its default is 20). */
export const PAGE_SIZE = 100;

export type PageFetcher<T> = (page: number) => Promise<ForgePage<T>>;

/**
 * A window over several GitLab listings read one after the other (one per group in groupName), items
 * that appear in an earlier listing dropped (a project shared with two groups). One listing is windowed
 * directly, fetching only the pages the window covers. Several are read from the start until the window
 * is full, since which items are duplicates is only known by reading; the total is known only when
 * every listing was read to its end.
 */
export async function windowFromListings<T>(listings: PageFetcher<T>[], key: (item: T) => string, window: ListWindow): Promise<Page<T>> {
  if (listings.length === 1) return windowFromPages(listings[0]!, window, PAGE_SIZE);
  const seen = new Set<string>();
  const collected: T[] = [];
  const wanted = window.offset + window.limit;
  for (const fetchPage of listings) {
    for (let page = 1; ; page++) {
      const result = await fetchPage(page);
      for (const item of result.items) {
        const id = key(item);
        if (seen.has(id)) continue;
        seen.add(id);
        collected.push(item);
      }
      // One item past the window tells the caller nothing; stop as soon as the window is full.
      if (collected.length >= wanted) return { items: collected.slice(window.offset, wanted), totalCount: null };
      if (!result.hasMore || result.items.length === 0) break;
    }
  }
  return { items: collected.slice(window.offset, wanted), totalCount: collected.length };
}
