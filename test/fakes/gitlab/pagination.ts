/**
 * GitLab's offset pagination (lib/gitlab/pagination/offset_pagination.rb + offset_header_builder.rb):
 * per_page defaults to 20 and is capped at 100; X-Page, X-Per-Page, X-Next-Page and X-Prev-Page (the
 * empty string when there is none) always; X-Total and X-Total-Pages (at least 1) unless there are more
 * than 10,000 records; Link with prev/next/first/last joined by ", ", built from the request's path and
 * query on the configured GitLab host (`linkBase`), `last` only when counted.
 */
export const DEFAULT_PER_PAGE = 20;
export const MAX_PER_PAGE = 100;
const COUNT_LIMIT = 10_000;

export function paginate<T>(items: T[], url: URL, linkBase: string): { items: T[]; headers: Record<string, string> } {
  const requestedPerPage = Number(url.searchParams.get('per_page'));
  const perPage = Number.isInteger(requestedPerPage) && requestedPerPage > 0 ? Math.min(requestedPerPage, MAX_PER_PAGE) : DEFAULT_PER_PAGE;
  const requestedPage = Number(url.searchParams.get('page'));
  const page = Number.isInteger(requestedPage) && requestedPage > 0 ? requestedPage : 1;
  const counted = items.length <= COUNT_LIMIT;
  const totalPages = Math.max(1, Math.ceil(items.length / perPage));
  const hasNext = items.length > page * perPage;
  const slice = items.slice((page - 1) * perPage, page * perPage);

  const pageUrl = (n: number) => {
    const link = new URL(`${url.pathname}${url.search}`, linkBase);
    link.searchParams.set('page', String(n));
    return link.toString();
  };
  const links: string[] = [];
  if (page > 1) links.push(`<${pageUrl(page - 1)}>; rel="prev"`);
  if (hasNext) links.push(`<${pageUrl(page + 1)}>; rel="next"`);
  links.push(`<${pageUrl(1)}>; rel="first"`);
  if (counted) links.push(`<${pageUrl(totalPages)}>; rel="last"`);

  const headers: Record<string, string> = {
    'x-per-page': String(perPage),
    'x-page': String(page),
    'x-next-page': hasNext ? String(page + 1) : '',
    'x-prev-page': page > 1 ? String(page - 1) : '',
    link: links.join(', '),
  };
  if (counted) {
    headers['x-total'] = String(items.length);
    headers['x-total-pages'] = String(totalPages);
  }
  return { items: slice, headers };
}
