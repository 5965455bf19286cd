import { keyedHash, randomBase62 } from './secrets';

/**
 * A custom domain proves it reaches this deployment: the worker GETs
 * http://<domain>/.well-known/linktally/<token>, and only an edge of this deployment can answer
 * with the token's keyed hash under APP_SECRET (no database read at the edge, and another
 * server that merely echoes paths cannot forge it).
 */
export const VERIFICATION_PATH_PREFIX = '/.well-known/linktally/';
const TOKEN_LENGTH = 32;
const TOKEN_PATTERN = /^[A-Za-z0-9]{32}$/;

export function newVerificationToken(): string {
  return randomBase62(TOKEN_LENGTH);
}

/** The token of a verification path, or null when the path is not one. */
export function verificationTokenOf(path: string): string | null {
  if (!path.startsWith(VERIFICATION_PATH_PREFIX)) return null;
  const token = path.slice(VERIFICATION_PATH_PREFIX.length);
  return TOKEN_PATTERN.test(token) ? token : null;
}

export function verificationAnswer(appSecret: string, token: string): string {
  return keyedHash(appSecret, 'domain-verification', token);
}
