import { parse, serialize } from 'cookie';
import type { Request, Response } from 'express';
import type { Config } from '../config';
import { keyedHash } from '../lib/secrets';

/** The browser session's cookie (see the dashboard contract): HttpOnly, SameSite=Lax, Secure over HTTPS. */
export const SESSION_COOKIE = 'lt_session';
export const CSRF_HEADER = 'x-csrf-token';

const SESSION_VALUE = /^lts_[A-Za-z0-9]{32}$/;

/** The session cookie's value when it has the shape of one (junk never reaches the database). */
export function readSessionCookie(req: Request): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  const value = parse(header)[SESSION_COOKIE];
  return value && SESSION_VALUE.test(value) ? value : undefined;
}

/** HTTPS as the visitor sees it: the public URL says so, the socket is TLS, or a trusted proxy says so. */
function isHttps(req: Request, config: Config): boolean {
  if (config.publicBaseUrl.startsWith('https:')) return true;
  if ((req.socket as { encrypted?: boolean }).encrypted) return true;
  return config.trustProxyHops > 0 && String(req.headers['x-forwarded-proto'] ?? '').split(',')[0]?.trim() === 'https';
}

function cookie(req: Request, config: Config, value: string, maxAgeSeconds: number): string {
  return serialize(SESSION_COOKIE, value, { httpOnly: true, sameSite: 'lax', path: '/', secure: isHttps(req, config), maxAge: maxAgeSeconds });
}

export function setSessionCookie(req: Request, res: Response, config: Config, token: string, expiresAt: Date): void {
  res.append('Set-Cookie', cookie(req, config, token, Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000))));
}

export function clearSessionCookie(req: Request, res: Response, config: Config): void {
  res.append('Set-Cookie', cookie(req, config, '', 0));
}

/**
 * The session's CSRF token: a keyed hash of the cookie's value, so nothing more is stored and it
 * ends with the session. A page script can learn it only from an authenticated JSON answer,
 * which another origin cannot read.
 */
export function csrfTokenFor(config: Config, sessionToken: string): string {
  return keyedHash(config.appSecret, 'csrf', sessionToken);
}

/**
 * A request the browser says comes from a page of this host: its Origin names the Host it was
 * sent to. Browsers send Origin on every cross-origin request and on same-origin unsafe ones, and
 * a page cannot forge it, so this stands in for the CSRF token where the page is not ours to
 * change (the queue board's bundled UI).
 */
export function isSameOrigin(req: Request): boolean {
  const origin = req.headers.origin;
  if (typeof origin !== 'string' || !req.headers.host) return false;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}
