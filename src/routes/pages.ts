/**
 * The pages browser flows end on: words only, or with one action (a link to the next step, or a form that
 * posts to the forge). No caching and no referrer (the URLs carry a state), and a CSP that allows nothing but
 * inline style and, for a form, posting to the one forge origin.
 */
const STYLE = `body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#1f2328}
h1{font-size:1.4rem}.ok{color:#1a7f37}.failed{color:#cf222e}
.action{display:inline-block;padding:.5rem 1rem;border-radius:6px;border:0;background:#1f883d;color:#fff;font:inherit;text-decoration:none;cursor:pointer}`;

function page(status: number, title: string, body: string, formAction: string | null): Response {
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} · forgegraph</title>
<meta name="viewport" content="width=device-width,initial-scale=1">
<style>${STYLE}</style></head>
<body><h1 class="${status < 400 ? 'ok' : 'failed'}">${escapeHtml(title)}</h1>${body}</body></html>`;
  return new Response(html, {
    status,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
      'content-security-policy': `default-src 'none'; style-src 'unsafe-inline'; form-action ${formAction ?? "'none'"}; frame-ancestors 'none'`,
    },
  });
}

/** The small page a browser flow ends on: what happened, in words, and nothing else (no token, no internal error). */
export function resultPage(status: number, title: string, message: string): Response {
  return page(status, title, `<p>${escapeHtml(message)}</p>`, null);
}

/** A result page with a link to the next step. */
export function linkPage(status: number, title: string, message: string, link: { href: string; label: string }): Response {
  return page(status, title, `<p>${escapeHtml(message)}</p><p><a class="action" href="${escapeHtml(link.href)}">${escapeHtml(link.label)}</a></p>`, null);
}

/** A page whose button posts hidden fields to `action` (a forge page), e.g. a GitHub App manifest. */
export function formPage(title: string, message: string, form: { action: string; origin: string; fields: Record<string, string>; button: string }): Response {
  const inputs = Object.entries(form.fields)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('');
  const body = `<p>${escapeHtml(message)}</p><form method="post" action="${escapeHtml(form.action)}">${inputs}<button class="action" type="submit">${escapeHtml(form.button)}</button></form>`;
  return page(200, title, body, form.origin);
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
