import { randomBase62 } from './secrets';

export const GENERATED_CODE_LENGTH = 7;
export const SHORT_CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/**
 * First path segments the app itself serves. A short code equal to one of these would be
 * shadowed (or would shadow the app), so they are refused case-insensitively.
 */
export const RESERVED_CODES = new Set([
  'api', 'badge', 'badges', 'track', 'healthz', 'readyz', 'health', 'metrics', 'openapi', 'docs',
  'admin', 'login', 'logout', 'signup', 'static', 'assets', 'public', 'favicon.ico', 'robots.txt', 'www',
  // The dashboard's pages (src/proxy/dashboard.ts) and the paths the accounts work and the
  // public surfaces use (issue 12's contract).
  'app', 'signin', 'invite', 'auth', 'card', 'pkg', 'u', 'directory', 'collections', 'nuget', '.well-known',
]);

export function isReservedCode(code: string): boolean {
  return RESERVED_CODES.has(code.toLowerCase());
}

export function generateShortCode(): string {
  return randomBase62(GENERATED_CODE_LENGTH);
}
