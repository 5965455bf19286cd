import type { Plan } from '../lib/plans';
import { randomBase62 } from '../lib/secrets';
import type { Db } from './knex';
import { isUniqueViolation } from './pg-errors';

export interface User {
  id: number;
  email: string;
  username: string;
  plan: Plan;
  is_admin: boolean;
  attribution_window_days: number;
  created_at: Date;
  updated_at: Date;
}

/** Every column but password_hash: a user read for any other purpose never carries it. */
export const USER_COLUMNS = ['id', 'email', 'username', 'plan', 'is_admin', 'attribution_window_days', 'created_at', 'updated_at'] as const;

/** The user columns of `alias` as one JSON value, for reading a user alongside a token or session. */
export function userJson(db: Db, alias: string): ReturnType<Db['raw']> {
  return db.raw(`json_build_object(${USER_COLUMNS.map((c) => `'${c}', ${alias}.${c}`).join(', ')}) as user`);
}

export function userFromJson(user: Omit<User, 'created_at' | 'updated_at'> & { created_at: string; updated_at: string }): User {
  return { ...user, id: Number(user.id), created_at: new Date(user.created_at), updated_at: new Date(user.updated_at) };
}

/** Lower-case letters, digits and inner hyphens, 1-39 characters (as GitHub's): safe in any URL path. */
export const USERNAME_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,37}[a-z0-9])?$/;

/** A username from the email's local part, for accounts created without one. */
function usernameFromEmail(email: string): string {
  const local = email.split('@')[0]?.toLowerCase() ?? '';
  const slug = local.replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 30).replace(/-+$/, '');
  return slug || 'user';
}

export interface NewUser {
  username?: string;
  passwordHash?: string;
  isAdmin?: boolean;
}

export class UsernameTaken extends Error {}

/**
 * Inserts a user. Without a username one is derived from the email, with a random suffix when
 * that is taken; a username given explicitly that is taken throws UsernameTaken. A taken email
 * surfaces as the unique violation it is.
 */
export async function createUser(db: Db, email: string, plan: Plan, extra: NewUser = {}): Promise<User> {
  const base = extra.username ?? usernameFromEmail(email);
  for (let attempt = 0; ; attempt++) {
    const username = attempt === 0 ? base : `${base}-${randomBase62(6).toLowerCase()}`;
    try {
      // A savepoint inside a caller's transaction, so a taken username can be retried.
      return await db.transaction(async (trx) => {
        const [user] = await trx('users')
          .insert({ email: email.toLowerCase(), plan, username, password_hash: extra.passwordHash ?? null, is_admin: extra.isAdmin ?? false })
          .returning([...USER_COLUMNS]);
        return user as User;
      });
    } catch (err) {
      if (!isUniqueViolation(err, 'users_username_unique')) throw err;
      if (extra.username !== undefined) throw new UsernameTaken(`The username ${username} is taken`);
      if (attempt >= 3) throw err;
    }
  }
}

export async function findUserByEmail(db: Db, email: string): Promise<User | undefined> {
  return db<User>('users').where({ email: email.toLowerCase() }).first(...USER_COLUMNS);
}

export async function findUserById(db: Db, id: number): Promise<User | undefined> {
  return db<User>('users').where({ id }).first(...USER_COLUMNS);
}

/** The user and their password hash (null for accounts made by the CLI without one), for signing in. */
export async function findCredentials(db: Db, where: { email: string } | { id: number }): Promise<{ user: User; passwordHash: string | null } | undefined> {
  const query = db('users');
  if ('email' in where) query.where({ email: where.email.toLowerCase() });
  else query.where({ id: where.id });
  const row = await query.first(...USER_COLUMNS, 'password_hash');
  if (!row) return undefined;
  const { password_hash: passwordHash, ...user } = row as User & { password_hash: string | null };
  return { user, passwordHash };
}

export async function setPasswordHash(db: Db, userId: number, passwordHash: string): Promise<void> {
  await db('users').where({ id: userId }).update({ password_hash: passwordHash, updated_at: db.fn.now() });
}

export async function countUsers(db: Db): Promise<number> {
  const row = await db('users').count<{ count: string }>('* as count').first();
  return Number(row?.count ?? 0);
}

export async function listUsers(db: Db): Promise<User[]> {
  return db<User>('users').orderBy('id').select(...USER_COLUMNS);
}

/** Returns the user before and after, or undefined when there is no such user. */
export async function setUserPlan(db: Db, where: { email: string } | { id: number }, plan: Plan): Promise<{ before: User; after: User } | undefined> {
  return db.transaction(async (trx) => {
    const query = trx<User>('users').forUpdate();
    if ('email' in where) query.where({ email: where.email.toLowerCase() });
    else query.where({ id: where.id });
    const before = await query.first(...USER_COLUMNS);
    if (!before) return undefined;
    const [after] = await trx<User>('users').where({ id: before.id }).update({ plan, updated_at: trx.fn.now() as unknown as Date }).returning([...USER_COLUMNS]);
    return { before, after: after as User };
  });
}

export interface UserUsage extends User {
  links: number;
  packages: number;
  clicks: number;
  installs: number;
}

/** Every user with what they hold: links, packages, and the clicks and installs those counted (the admin's list). */
export async function listUsersWithUsage(db: Db): Promise<UserUsage[]> {
  const { rows } = await db.raw<{ rows: UserUsage[] }>(`
    SELECT ${USER_COLUMNS.map((c) => `u.${c}`).join(', ')},
           coalesce(l.links, 0)::int8 AS links, coalesce(l.clicks, 0)::int8 AS clicks,
           coalesce(p.packages, 0)::int8 AS packages, coalesce(p.installs, 0)::int8 AS installs
      FROM users u
      LEFT JOIN (SELECT user_id, count(*) AS links, sum(click_count) AS clicks FROM links GROUP BY user_id) l ON l.user_id = u.id
      LEFT JOIN (SELECT user_id, count(*) AS packages, sum(total_installs) AS installs FROM packages GROUP BY user_id) p ON p.user_id = u.id
     ORDER BY u.id`);
  return rows;
}
