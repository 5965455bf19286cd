import { DEFAULT_TOKEN_DAYS, hashToken, mintToken, type Scope } from '../lib/tokens';
import type { Db } from './knex';
import { userFromJson, userJson, type User } from './user-store';
import { DAY_MS } from '../lib/days';

export interface ApiToken {
  id: number;
  user_id: number;
  name: string | null;
  display_prefix: string;
  scopes: Scope[];
  parent_token_id: number | null;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
  created_at: Date;
}

const TOKEN_COLUMNS = ['id', 'user_id', 'name', 'display_prefix', 'scopes', 'parent_token_id', 'expires_at', 'revoked_at', 'last_used_at', 'created_at'] as const;

export interface IssuedToken {
  token: string;
  record: ApiToken;
}

export interface TokenOptions {
  /** Lifetime in days from now (default 365); `notAfter` caps it. */
  days?: number;
  notAfter?: Date | null;
  name?: string;
  /** The token that generated this one: revoking it revokes this one too. */
  parentId?: number;
}

export class ParentTokenGone extends Error {}

export async function issueToken(db: Db, userId: number, scopes: readonly Scope[], options: TokenOptions = {}): Promise<IssuedToken> {
  const minted = mintToken();
  let expiresAt = new Date(Date.now() + (options.days ?? DEFAULT_TOKEN_DAYS) * DAY_MS);
  if (options.notAfter && options.notAfter < expiresAt) expiresAt = options.notAfter;
  const row = { user_id: userId, token_hash: minted.hash, display_prefix: minted.displayPrefix, scopes: [...scopes], expires_at: expiresAt, name: options.name ?? null, parent_token_id: options.parentId ?? null };
  if (options.parentId === undefined) {
    const [record] = await db('api_tokens').insert(row).returning([...TOKEN_COLUMNS]);
    return { token: minted.token, record: record as ApiToken };
  }
  return db.transaction(async (trx) => {
    // The share lock orders this insert with a concurrent revocation of the parent (which
    // updates that row first): either the parent is already revoked here, or the revocation
    // waits for this child to commit and then sees it.
    const parent = await trx('api_tokens').where({ id: options.parentId }).whereNull('revoked_at').forShare().first('id');
    if (!parent) throw new ParentTokenGone('The token making this request has been revoked');
    const [record] = await trx('api_tokens').insert(row).returning([...TOKEN_COLUMNS]);
    return { token: minted.token, record: record as ApiToken };
  });
}

export interface Authenticated {
  user: User;
  /** What the caller may do: the token's scopes, or every scope for a browser session. */
  scopes: readonly Scope[];
  /** The API token that authenticated the request; absent for a browser session. */
  token?: ApiToken;
  /** The browser session that authenticated the request; absent for an API token. */
  session?: { id: number; expires_at: Date };
}

/** last_used_at is written at most this often per token, so reads do not each cost a write. */
const LAST_USED_RESOLUTION_MS = 60_000;

/** Finds a live (unexpired, unrevoked) token and its user by the presented token's hash. */
export async function findLiveToken(db: Db, presented: string): Promise<{ token: ApiToken; user: User } | undefined> {
  const row = await db('api_tokens as t')
    .join('users as u', 'u.id', 't.user_id')
    .where('t.token_hash', hashToken(presented))
    .whereNull('t.revoked_at')
    .where((q) => q.whereNull('t.expires_at').orWhere('t.expires_at', '>', db.fn.now()))
    .first(...TOKEN_COLUMNS.map((c) => `t.${c}`), userJson(db, 'u'));
  if (!row) return undefined;
  const { user, ...token } = row as ApiToken & { user: Parameters<typeof userFromJson>[0] };
  if (!token.last_used_at || Date.now() - token.last_used_at.getTime() > LAST_USED_RESOLUTION_MS) {
    await db('api_tokens').where({ id: token.id }).update({ last_used_at: db.fn.now() });
  }
  return { token, user: userFromJson(user) };
}

/** The user's live tokens, newest first. */
export async function listLiveTokens(db: Db, userId: number): Promise<ApiToken[]> {
  return db('api_tokens')
    .where({ user_id: userId })
    .whereNull('revoked_at')
    .where((q) => q.whereNull('expires_at').orWhere('expires_at', '>', db.fn.now()))
    .orderBy('id', 'desc')
    .select(...TOKEN_COLUMNS);
}

/** Every live token, newest first, with its owner's email (the admin CLI). */
export async function listAllLiveTokens(db: Db): Promise<Array<ApiToken & { email: string }>> {
  return db('api_tokens as t')
    .join('users as u', 'u.id', 't.user_id')
    .whereNull('t.revoked_at')
    .where((q) => q.whereNull('t.expires_at').orWhere('t.expires_at', '>', db.fn.now()))
    .orderBy('t.id', 'desc')
    .select(...TOKEN_COLUMNS.map((c) => `t.${c}`), 'u.email');
}

/**
 * Revokes a token and every token generated from it, transitively. Returns how many were
 * revoked (0: no such live token, or not the user's). The parent row is updated first, in its
 * own statement, so a child being issued concurrently (which holds a share lock on the parent)
 * has committed before the descendants are collected.
 */
export async function revokeTokenTree(db: Db, tokenId: number, userId?: number): Promise<number> {
  return db.transaction(async (trx) => {
    const own = trx('api_tokens').where({ id: tokenId }).whereNull('revoked_at');
    if (userId !== undefined) own.where({ user_id: userId });
    const revoked = await own.update({ revoked_at: trx.fn.now() });
    if (revoked === 0) return 0;
    const descendants = await trx.raw<{ rowCount: number }>(
      `WITH RECURSIVE tree AS (
         SELECT id FROM api_tokens WHERE parent_token_id = ?
         UNION SELECT t.id FROM api_tokens t JOIN tree ON t.parent_token_id = tree.id
       )
       UPDATE api_tokens SET revoked_at = now() WHERE id IN (SELECT id FROM tree) AND revoked_at IS NULL`,
      [tokenId],
    );
    return revoked + descendants.rowCount;
  });
}
