import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import express from 'express';

/**
 * The serving room of the dashboard (dashboard/, built by `npm run build` into dist/dashboard):
 * its pages answer with index.html (never cached, so a deploy is picked up at once) and its
 * content-hashed assets with a year-long immutable cache. Everything else the single-page app
 * needs comes from /api/v1 like any other client.
 */

// Scripts only from this origin (the built bundle); styles may be inline (uPlot and the bars set
// style attributes); images may be blobs (the QR code) or data: URLs (the favicon).
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

const PAGE = /^\/(?:app(?:\/.*)?|signin|signup|invite\/[^/]+)?$/;

/** Paths the dashboard owns (their first segments are reserved short codes). */
export function isDashboardPath(pathname: string): boolean {
  return PAGE.test(pathname) || pathname.startsWith('/assets/');
}

export function dashboardDir(): string {
  return path.resolve(process.cwd(), 'dist', 'dashboard');
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export function createDashboardHandler(dir = dashboardDir()): Handler {
  const assets = express.static(path.join(dir, 'assets'), { immutable: true, maxAge: '365d', index: false, fallthrough: false, redirect: false });
  let page: Promise<Buffer> | undefined;
  return (req, res) => {
    const url = req.url ?? '/';
    const pathname = url.split('?', 1)[0] ?? '/';
    if (pathname.startsWith('/assets/')) {
      req.url = url.slice('/assets'.length);
      assets(req as express.Request, res as express.Response, (err?: unknown) => {
        const status = (err as { status?: number } | undefined)?.status ?? 404;
        res.writeHead(status === 404 ? 404 : 400, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
        res.end(status === 404 ? 'Not found\n' : 'Bad request\n');
      });
      return;
    }
    page ??= readFile(path.join(dir, 'index.html'));
    page.then(
      (html) => {
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'same-origin', 'Content-Security-Policy': CSP });
        res.end(req.method === 'HEAD' ? undefined : html);
      },
      () => {
        // Not built yet: read again next time rather than remember the failure.
        page = undefined;
        res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
        res.end('The dashboard is not built: run npm run build\n');
      },
    );
  };
}
