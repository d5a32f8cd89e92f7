import { ForgeNotFoundError } from '../errors.js';
import { windowFromPages } from '../paging.js';
import type { ListWindow, Page } from '../types.js';

/** Items per Bitbucket page: the documented maximum of `pagelen`. */
export const PAGE_LENGTH = 100;

export interface BitbucketPage<T> {
  values?: readonly T[];
  next?: string;
  size?: number;
}

/**
 * An offset window over a listing Bitbucket serves as pages linked by `next`. The first page the window
 * touches is asked for by number (`page = offset / 100 + 1`, which Bitbucket's page-numbered listings
 * accept), so a window deep in the listing does not walk every page before it; every later page is the
 * previous answer's `next` URL, followed verbatim. `size`, when sent, is the total.
 */
export function windowFollowingNext<T>(
  first: (page: number) => Promise<BitbucketPage<T>>,
  follow: (next: string) => Promise<BitbucketPage<T>>,
  window: ListWindow,
): Promise<Page<T>> {
  let next: string | undefined;
  let started = false;
  return windowFromPages(
    async (page) => {
      const result = started && next ? await follow(next) : await firstOrPastTheEnd(first, page);
      started = true;
      next = result.next;
      return { items: [...(result.values ?? [])], hasMore: Boolean(result.next), totalCount: result.size ?? null };
    },
    window,
    PAGE_LENGTH,
  );
}

/**
 * Bitbucket answers a page number past the end of a listing with 404 ("Invalid page"), which is also what
 * a missing workspace or repository gets. Page 1 tells them apart: it exists for every existing listing.
 */
async function firstOrPastTheEnd<T>(first: (page: number) => Promise<BitbucketPage<T>>, page: number): Promise<BitbucketPage<T>> {
  try {
    return await first(page);
  } catch (error) {
    if (page === 1 || !(error instanceof ForgeNotFoundError)) throw error;
    const head = await first(1);
    return { values: [], ...(head.size !== undefined ? { size: head.size } : {}) };
  }
}
