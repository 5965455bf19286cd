import type { Db } from './knex';

export type DomainStatus = 'pending' | 'active' | 'failed';

export interface DomainRow {
  id: number;
  user_id: number;
  hostname: string;
  verification_token: string;
  status: DomainStatus;
  verification_attempts: number;
  last_verification_error: string | null;
  verified_at: Date | null;
  last_checked_at: Date | null;
  root_redirect_url: string | null;
  not_found_redirect_url: string | null;
  created_at: Date;
  updated_at: Date;
}

export type NewDomain = Pick<DomainRow, 'user_id' | 'hostname' | 'verification_token' | 'root_redirect_url' | 'not_found_redirect_url'>;
export type DomainChanges = Partial<Pick<DomainRow, 'root_redirect_url' | 'not_found_redirect_url'>>;

export async function insertDomain(db: Db, domain: NewDomain): Promise<DomainRow> {
  const [row] = await db('domains').insert(domain).returning('*');
  return row as DomainRow;
}

export function listUserDomains(db: Db, userId: number): Promise<DomainRow[]> {
  return db<DomainRow>('domains').where({ user_id: userId }).orderBy('id');
}

/** Tenancy: a domain is only ever found together with its owner. */
export function findUserDomain(db: Db, userId: number, id: number): Promise<DomainRow | undefined> {
  return db<DomainRow>('domains').where({ id, user_id: userId }).first();
}

/** The owner's domains among `hostnames`, hostname → id (another owner's name is simply absent). */
export async function userDomainIdsByHost(db: Db, userId: number, hostnames: string[]): Promise<Map<string, number>> {
  if (hostnames.length === 0) return new Map();
  const rows = (await db('domains').where({ user_id: userId }).whereRaw('hostname = ANY(?)', [hostnames]).select('id', 'hostname')) as Array<{ id: number; hostname: string }>;
  return new Map(rows.map((r) => [r.hostname, Number(r.id)]));
}

export function findDomainByHost(db: Db, hostname: string): Promise<DomainRow | undefined> {
  return db<DomainRow>('domains').where({ hostname }).first();
}

export function findDomain(db: Db, id: number): Promise<DomainRow | undefined> {
  return db<DomainRow>('domains').where({ id }).first();
}

export async function updateUserDomain(db: Db, userId: number, id: number, changes: DomainChanges): Promise<DomainRow | undefined> {
  const [row] = await db('domains').where({ id, user_id: userId }).update({ ...changes, updated_at: db.fn.now() }).returning('*');
  return row as DomainRow | undefined;
}

/**
 * One verification attempt's outcome: a success makes the domain active for good; a failure
 * leaves it pending while attempts remain, failed after the last (an active one stays active).
 */
export async function recordVerification(db: Db, id: number, error: string | null, lastAttempt: boolean): Promise<DomainRow | undefined> {
  const failedStatus = lastAttempt ? "CASE WHEN status = 'active' THEN 'active' ELSE 'failed' END" : "CASE WHEN status = 'active' THEN 'active' ELSE 'pending' END";
  const [row] = await db('domains')
    .where({ id })
    .update({
      status: error === null ? 'active' : db.raw(failedStatus),
      verified_at: error === null ? db.raw('COALESCE(verified_at, now())') : db.raw('verified_at'),
      last_verification_error: error,
      last_checked_at: db.fn.now(),
      verification_attempts: db.raw('verification_attempts + 1'),
      updated_at: db.fn.now(),
    })
    .returning('*');
  return row as DomainRow | undefined;
}

/** Deleting a domain that still holds links is refused (links.domain_id is ON DELETE RESTRICT). */
/** links.domain_id's foreign key, named by PostgreSQL (an inline REFERENCES, migrations/20261206500000). */
export const LINKS_DOMAIN_FK = 'links_domain_id_fkey';

export async function deleteUserDomain(db: Db, userId: number, id: number): Promise<boolean> {
  return (await db('domains').where({ id, user_id: userId }).delete()) > 0;
}

export async function domainHasLinks(db: Db, id: number): Promise<boolean> {
  return (await db('links').where({ domain_id: id }).first('id')) !== undefined;
}

/** Hostnames of the owner's domains by id (few per owner), for presenting links. */
export async function userDomainNames(db: Db, userId: number): Promise<Map<number, string>> {
  const rows = (await db('domains').where({ user_id: userId }).select('id', 'hostname')) as Array<{ id: number; hostname: string }>;
  return new Map(rows.map((r) => [Number(r.id), r.hostname]));
}
