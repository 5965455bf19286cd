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

export interface NewToken {
  token: string;
  hash: string;
  displayPrefix: string;
}

export function mintToken(): NewToken {
  const token = `pk_live_${randomBase62(32)}`;
  return { token, hash: hashToken(token), displayPrefix: token.slice(0, 12) };
}

/** Tokens are high-entropy, so a fast unsalted SHA-256 is the right at-rest form (lookup by hash). */
export function hashToken(token: string): string {
  return sha256Hex(token);
}
