import type { ServerResponse } from 'node:http';

import { escapeHtml } from '../lib/html';

export { escapeHtml };

export function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><title>${escapeHtml(title)}</title><style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}input,button{font:inherit;padding:.4rem .6rem}.error{color:#b00020}</style></head><body>${body}</body></html>`;
}

const NOT_FOUND = page('Link not found', '<h1>Link not found</h1><p>This short link does not exist or is not active.</p>');
const GONE = page('Link expired', '<h1>Link expired</h1><p>This short link has expired.</p>');

// Our pages run no script, load nothing and may not be framed (the password form against clickjacking).
const PAGE_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

export function sendHtml(res: ServerResponse, status: number, html: string, headers: Record<string, string | string[]> = {}): void {
  res.writeHead(status, { ...PAGE_HEADERS, 'Content-Length': Buffer.byteLength(html), ...headers });
  res.end(html);
}

export function sendNotFound(res: ServerResponse): void {
  sendHtml(res, 404, NOT_FOUND);
}

export function sendGone(res: ServerResponse): void {
  sendHtml(res, 410, GONE);
}

export function sendUnavailable(res: ServerResponse, message = 'Please try again in a moment.'): void {
  sendHtml(res, 503, page('Temporarily unavailable', `<h1>Temporarily unavailable</h1><p>${escapeHtml(message)}</p>`), { 'Retry-After': '5' });
}

const SERVER_ERROR = page('Something went wrong', '<h1>Something went wrong</h1><p>This request could not be answered just now. The problem has been logged; please try again.</p>');

/** A failure while answering one public-edge request (request-failure.ts). */
export function sendServerError(res: ServerResponse): void {
  sendHtml(res, 500, SERVER_ERROR);
}

/**
 * The password form posts to the page's own URL (no action attribute), so it works under any
 * PUBLIC_BASE_URL path; the password travels in the body, never in a query string.
 */
export function passwordForm(error?: string, referrer?: string | null): string {
  const message = error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : '';
  // The page that led here, carried through the form so the click keeps its referrer.
  const ref = referrer ? `<input type="hidden" name="ref" value="${escapeHtml(referrer)}">` : '';
  return page(
    'Password required',
    `<h1>Password required</h1><p>This link is password protected.</p>${message}` +
      `<form method="post">${ref}<label for="password">Password</label><br>` +
      '<input id="password" name="password" type="password" autocomplete="current-password" maxlength="128" required autofocus> ' +
      '<button type="submit">Continue</button></form>',
  );
}

// Browsers apply form-action to the redirects that answer a submission too, and the right
// password is answered with a 302 to the destination (any http(s) origin, chosen per visitor by
// variants and rules): with 'self' alone Chromium blocks it and the visitor never gets through.
const PASSWORD_FORM_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' https: http:; frame-ancestors 'none'";

export function sendPasswordForm(res: ServerResponse, status: number, error?: string, headers: Record<string, string> = {}, referrer?: string | null): void {
  sendHtml(res, status, passwordForm(error, referrer), { 'Content-Security-Policy': PASSWORD_FORM_CSP, ...headers });
}
