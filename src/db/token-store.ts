import { DEFAULT_TOKEN_DAYS, hashToken, mintToken, type Scope } from '../lib/tokens';
import type { Db } from './knex';
import type { User } from './user-store';
import { DAY_MS } from '../lib/days';

export interface ApiToken {
  id: number;
  user_id: number;
  display_prefix: string;
  scopes: Scope[];
  expires_at: Date | null;
  revoked_at: Date | null;
  created_at: Date;
}

export interface IssuedToken {
  token: string;
  record: ApiToken;
}

export async function issueToken(db: Db, userId: number, scopes: readonly Scope[], days: number = DEFAULT_TOKEN_DAYS): Promise<IssuedToken> {
  const minted = mintToken();
  const expiresAt = new Date(Date.now() + days * DAY_MS);
  const [record] = await db('api_tokens')
    .insert({ user_id: userId, token_hash: minted.hash, display_prefix: minted.displayPrefix, scopes: [...scopes], expires_at: expiresAt })
    .returning(['id', 'user_id', 'display_prefix', 'scopes', 'expires_at', 'revoked_at', 'created_at']);
  return { token: minted.token, record: record as ApiToken };
}

export interface Authenticated {
  token: ApiToken;
  user: User;
}

/** Finds a live (unexpired, unrevoked) token and its user by the presented token's hash. */
export async function findLiveToken(db: Db, presented: string): Promise<Authenticated | undefined> {
  const row = await db('api_tokens as t')
    .join('users as u', 'u.id', 't.user_id')
    .where('t.token_hash', hashToken(presented))
    .whereNull('t.revoked_at')
    .where((q) => q.whereNull('t.expires_at').orWhere('t.expires_at', '>', db.fn.now()))
    .first(
      't.id', 't.user_id', 't.display_prefix', 't.scopes', 't.expires_at', 't.revoked_at', 't.created_at',
      db.raw('row_to_json(u.*) as user'),
    );
  if (!row) return undefined;
  const { user, ...token } = row as ApiToken & { user: User & { created_at: string; updated_at: string } };
  return { token, user: { ...user, created_at: new Date(user.created_at), updated_at: new Date(user.updated_at) } };
}

export async function revokeToken(db: Db, tokenId: number): Promise<void> {
  await db('api_tokens').where({ id: tokenId }).whereNull('revoked_at').update({ revoked_at: db.fn.now() });
}
