import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';

/** Plain text answers of the proxies: git prints a text/plain error body to the user as "remote: …" lines. */
export function sendText(res: ServerResponse, status: number, message: string, extra: OutgoingHttpHeaders = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(message), 'Cache-Control': 'no-store', ...extra });
  res.end(message);
}
