import { createHmac } from 'node:crypto';
import { constantTimeEqual } from '../lib/secrets';

/**
 * After the right password, the visitor gets a short-lived cookie so the form is not shown on
 * every click. It is an HMAC (APP_SECRET) over the short code, the link id, the expiry and the
 * stored password hash: it is good for this one link only, and changing or removing the
 * password voids every cookie issued under the old one. It carries nothing secret itself.
 */

export const PASSWORD_COOKIE = 'lt_pw';
export const PASSWORD_COOKIE_TTL_SECONDS = 30 * 60;

export interface ProtectedLink {
  code: string;
  id: number;
  passwordHash: string;
}

function signature(secret: string, link: ProtectedLink, expires: number): string {
  return createHmac('sha256', secret)
    .update('link-password-cookie\0')
    .update(`${link.code}\0${link.id}\0${expires}\0`)
    .update(link.passwordHash)
    .digest('base64url');
}

/** Cookie value: `<expiry in Unix seconds>.<signature>`. */
export function signPasswordCookie(secret: string, link: ProtectedLink, nowMs: number): string {
  const expires = Math.floor(nowMs / 1000) + PASSWORD_COOKIE_TTL_SECONDS;
  return `${expires}.${signature(secret, link, expires)}`;
}

function verifyValue(secret: string, link: ProtectedLink, value: string, nowMs: number): boolean {
  const dot = value.indexOf('.');
  if (dot <= 0) return false;
  const expiresText = value.slice(0, dot);
  if (!/^\d{1,12}$/.test(expiresText)) return false;
  const expires = Number(expiresText);
  if (expires * 1000 <= nowMs) return false;
  return constantTimeEqual(value.slice(dot + 1), signature(secret, link, expires));
}

/** True when any `lt_pw` cookie in the header is a live signature for this link. */
export function hasPasswordCookie(secret: string, link: ProtectedLink, cookieHeader: string | undefined, nowMs: number): boolean {
  if (!cookieHeader) return false;
  for (const part of cookieHeader.split(';')) {
    const pair = part.trim();
    if (pair.startsWith(`${PASSWORD_COOKIE}=`) && verifyValue(secret, link, pair.slice(PASSWORD_COOKIE.length + 1), nowMs)) return true;
  }
  return false;
}

/**
 * Scoped by Path to the short link's own URL (as the visitor sees it, under PUBLIC_BASE_URL),
 * so other links never receive it; Secure whenever the public URL is https.
 */
export function passwordCookieHeader(value: string, publicBaseUrl: string, code: string): string {
  const base = new URL(publicBaseUrl);
  const prefix = base.pathname.replace(/\/+$/, '');
  const path = /^[\w\-./~%]*$/.test(prefix) ? `${prefix}/${code}` : `/${code}`;
  const secure = base.protocol === 'https:' ? '; Secure' : '';
  return `${PASSWORD_COOKIE}=${value}; Path=${path}; Max-Age=${PASSWORD_COOKIE_TTL_SECONDS}; HttpOnly; SameSite=Lax${secure}`;
}
