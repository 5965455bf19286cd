import { hashToken, mintPrefixedToken } from '../lib/tokens';
import type { Db } from './knex';
import { userFromJson, userJson, type User } from './user-store';

export interface SessionRecord {
  id: number;
  user_id: number;
  created_at: Date;
  last_seen_at: Date;
  expires_at: Date;
}

const SESSION_COLUMNS = ['id', 'user_id', 'created_at', 'last_seen_at', 'expires_at'] as const;

/** last_seen_at is written at most this often per session: the idle lifetime is days, not seconds. */
const LAST_SEEN_RESOLUTION_MS = 60_000;

/**
 * A new browser session. The cookie carries the random value (`lts_` and 32 base62 characters);
 * the table only its hash. On the way, the user's ended sessions go, and a batch of anyone's
 * sessions past their absolute lifetime: the table holds live sessions and a bounded tail of
 * ended ones without a sweeping job.
 */
export async function createSession(db: Db, userId: number, lifetimeDays: number, idleDays: number): Promise<{ token: string; session: SessionRecord }> {
  const minted = mintPrefixedToken('lts_', 0);
  await deleteEndedSessions(db, userId, idleDays);
  const [session] = await db('sessions')
    .insert({ user_id: userId, token_hash: minted.hash, expires_at: db.raw(`now() + make_interval(days => ?)`, [lifetimeDays]) })
    .returning([...SESSION_COLUMNS]);
  return { token: minted.token, session: session as SessionRecord };
}

const EXPIRED_BATCH = 100;

async function deleteEndedSessions(db: Db, userId: number, idleDays: number): Promise<void> {
  await db('sessions').whereIn('id', db('sessions').where('expires_at', '<=', db.fn.now()).limit(EXPIRED_BATCH).select('id')).delete();
  await db('sessions')
    .where({ user_id: userId })
    .where((q) => q.where('expires_at', '<=', db.fn.now()).orWhere('last_seen_at', '<=', db.raw(`now() - make_interval(days => ?)`, [idleDays])))
    .delete();
}

/** The live session (within both lifetimes) for a cookie value, and its user; refreshes last_seen_at. */
export async function findLiveSession(db: Db, token: string, idleDays: number): Promise<{ session: SessionRecord; user: User } | undefined> {
  const row = await db('sessions as s')
    .join('users as u', 'u.id', 's.user_id')
    .where('s.token_hash', hashToken(token))
    .where('s.expires_at', '>', db.fn.now())
    .where('s.last_seen_at', '>', db.raw(`now() - make_interval(days => ?)`, [idleDays]))
    .first(...SESSION_COLUMNS.map((c) => `s.${c}`), userJson(db, 'u'));
  if (!row) return undefined;
  const { user, ...session } = row as SessionRecord & { user: Parameters<typeof userFromJson>[0] };
  if (Date.now() - session.last_seen_at.getTime() > LAST_SEEN_RESOLUTION_MS) {
    await db('sessions').where({ id: session.id }).update({ last_seen_at: db.fn.now() });
  }
  return { session, user: userFromJson(user) };
}

export async function deleteSessionByToken(db: Db, token: string): Promise<void> {
  await db('sessions').where({ token_hash: hashToken(token) }).delete();
}

/** Ends every session of the user, except one (the session that changed the password). */
export async function deleteUserSessions(db: Db, userId: number, exceptId?: number): Promise<number> {
  const query = db('sessions').where({ user_id: userId });
  if (exceptId !== undefined) query.whereNot({ id: exceptId });
  return query.delete();
}
