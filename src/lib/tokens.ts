import { randomBase62, sha256Hex } from './secrets';

export const SCOPES = [
  'analytics:read', 'packages:read', 'packages:write',
  'links:read', 'links:write', 'conversions:manage', 'settings:manage', 'tokens:manage',
] as const;
export type Scope = (typeof SCOPES)[number];

export const TOKEN_PATTERN = /^pk_live_[A-Za-z0-9]{32}$/;
export const DEFAULT_TOKEN_DAYS = 365;

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}

/** A new bearer token: the token itself (shown once), its at-rest hash, and the leading characters lists show. */
export interface NewToken {
  token: string;
  hash: string;
  displayPrefix: string;
}

/**
 * Every bearer secret this app issues — API tokens (`pk_live_…`) and goal postback tokens
 * (`pt_…`, postback-tokens.ts) — is its kind's prefix and 32 random base62 characters (~190 bits),
 * stored only as hashToken's hash.
 */
export function mintPrefixedToken(kindPrefix: string, displayLength: number): NewToken {
  const token = `${kindPrefix}${randomBase62(32)}`;
  return { token, hash: hashToken(token), displayPrefix: token.slice(0, displayLength) };
}

export function mintToken(): NewToken {
  return mintPrefixedToken('pk_live_', 12);
}

/** Tokens are high-entropy, so a fast unsalted SHA-256 is the right at-rest form (lookup by hash). */
export function hashToken(token: string): string {
  return sha256Hex(token);
}
