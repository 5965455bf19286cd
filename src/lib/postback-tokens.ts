import { hashToken, mintPrefixedToken } from './tokens';

/**
 * Per-goal postback tokens: `pt_` + 32 random base62 characters (~190 bits), the only secret a
 * merchant's server presents. They are minted and hashed exactly as API tokens are (tokens.ts);
 * the token itself is shown once, when minted.
 */
export const POSTBACK_TOKEN_PATTERN = /^pt_[A-Za-z0-9]{32}$/;

export interface NewPostbackToken {
  token: string;
  hash: string;
  /** The leading characters a goal shows (its token_prefix). */
  prefix: string;
}

export function mintPostbackToken(): NewPostbackToken {
  const { token, hash, displayPrefix } = mintPrefixedToken('pt_', 10);
  return { token, hash, prefix: displayPrefix };
}

export function hashPostbackToken(token: string): string {
  return hashToken(token);
}

export function postbackUrl(publicBaseUrl: string, token: string): string {
  return `${publicBaseUrl}/api/conversions/track/${token}`;
}
