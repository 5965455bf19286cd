import type { Knex } from 'knex';
import { hashToken, mintPrefixedToken } from '../lib/tokens';
import type { Db } from './knex';

export interface InviteRecord {
  id: number;
  created_by: number | null;
  created_at: Date;
  expires_at: Date;
  used_at: Date | null;
  used_by: number | null;
}

const INVITE_COLUMNS = ['id', 'created_by', 'created_at', 'expires_at', 'used_at', 'used_by'] as const;

/** Invite secrets are bearer secrets like API tokens (`inv_` and 32 base62 characters), stored hashed. */
export const INVITE_PATTERN = /^inv_[A-Za-z0-9]{32}$/;

export async function createInvite(db: Db, createdBy: number, days: number): Promise<{ token: string; invite: InviteRecord }> {
  const minted = mintPrefixedToken('inv_', 0);
  const [invite] = await db('invites')
    .insert({ token_hash: minted.hash, created_by: createdBy, expires_at: db.raw(`now() + make_interval(days => ?)`, [days]) })
    .returning([...INVITE_COLUMNS]);
  return { token: minted.token, invite: invite as InviteRecord };
}

export async function listInvites(db: Db): Promise<InviteRecord[]> {
  return db('invites').orderBy('id', 'desc').select(...INVITE_COLUMNS);
}

export async function deleteInvite(db: Db, id: number): Promise<boolean> {
  return (await db('invites').where({ id }).delete()) > 0;
}

/** Locks an unused, unexpired invite for the signing-up transaction; undefined when there is none. */
export async function lockUsableInvite(trx: Knex.Transaction, token: string): Promise<InviteRecord | undefined> {
  return trx('invites')
    .where({ token_hash: hashToken(token) })
    .whereNull('used_at')
    .where('expires_at', '>', trx.fn.now())
    .forUpdate()
    .first(...INVITE_COLUMNS);
}

export async function markInviteUsed(trx: Knex.Transaction, id: number, userId: number): Promise<void> {
  await trx('invites').where({ id }).update({ used_at: trx.fn.now(), used_by: userId });
}
