import type { Plan } from '../lib/plans';
import type { Db } from './knex';

export interface User {
  id: number;
  email: string;
  plan: Plan;
  attribution_window_days: number;
  created_at: Date;
  updated_at: Date;
}

export async function createUser(db: Db, email: string, plan: Plan): Promise<User> {
  const [user] = await db<User>('users').insert({ email: email.toLowerCase(), plan }).returning('*');
  return user as User;
}

export async function findUserByEmail(db: Db, email: string): Promise<User | undefined> {
  return db<User>('users').where({ email: email.toLowerCase() }).first();
}

export async function findUserById(db: Db, id: number): Promise<User | undefined> {
  return db<User>('users').where({ id }).first();
}

/** Returns the user before and after, or undefined when there is no such user. */
export async function setUserPlan(db: Db, email: string, plan: Plan): Promise<{ before: User; after: User } | undefined> {
  return db.transaction(async (trx) => {
    const before = await trx<User>('users').where({ email: email.toLowerCase() }).forUpdate().first();
    if (!before) return undefined;
    const [after] = await trx<User>('users').where({ id: before.id }).update({ plan, updated_at: trx.fn.now() as unknown as Date }).returning('*');
    return { before, after: after as User };
  });
}
