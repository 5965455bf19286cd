import type { ServerResponse } from 'node:http';

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

export function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><title>${escapeHtml(title)}</title><style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}</style></head><body>${body}</body></html>`;
}

const NOT_FOUND = page('Link not found', '<h1>Link not found</h1><p>This short link does not exist or is not active.</p>');
const GONE = page('Link expired', '<h1>Link expired</h1><p>This short link has expired.</p>');

export function sendHtml(res: ServerResponse, status: number, html: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(html), ...headers });
  res.end(html);
}

export function sendNotFound(res: ServerResponse): void {
  sendHtml(res, 404, NOT_FOUND);
}

export function sendGone(res: ServerResponse): void {
  sendHtml(res, 410, GONE);
}
