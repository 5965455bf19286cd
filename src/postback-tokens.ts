import { randomBase62, sha256Hex } from './secrets';

/**
 * Per-goal postback tokens: `pt_` + 32 random base62 characters (~190 bits), the only secret a
 * merchant's server presents. Like API tokens they are high-entropy, so an unsalted SHA-256 is
 * the at-rest form (lookup by hash); the token itself is shown once, when minted.
 */
export const POSTBACK_TOKEN_PATTERN = /^pt_[A-Za-z0-9]{32}$/;

export interface NewPostbackToken {
  token: string;
  hash: string;
  prefix: string;
}

export function mintPostbackToken(): NewPostbackToken {
  const token = `pt_${randomBase62(32)}`;
  return { token, hash: hashPostbackToken(token), prefix: token.slice(0, 10) };
}

export function hashPostbackToken(token: string): string {
  return sha256Hex(token);
}

export function postbackUrl(publicBaseUrl: string, token: string): string {
  return `${publicBaseUrl}/api/conversions/track/${token}`;
}
