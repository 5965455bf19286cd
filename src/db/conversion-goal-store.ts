import type { Plan } from '../lib/plans';
import type { Db } from './knex';

export interface GoalRow {
  id: number;
  user_id: number;
  name: string;
  postback_token_hash: string;
  token_prefix: string;
  default_value: number | null;
  currency: string;
  active: boolean;
  created_at: Date;
  updated_at: Date;
}

export interface GoalWithCount extends GoalRow {
  conversion_count: number;
}

export type GoalFields = Pick<GoalRow, 'name' | 'default_value' | 'currency' | 'active'>;

/** The secret's at-rest form: its SHA-256 (for lookup) and a prefix (for recognising it). */
export interface StoredToken {
  hash: string;
  prefix: string;
}

function withCount(db: Db) {
  // The (goal_id, order_id) unique index makes this count an index scan per goal.
  return db('conversion_goals as g').select('g.*', db.raw('(SELECT count(*) FROM conversions c WHERE c.goal_id = g.id) AS conversion_count'));
}

/** Tenancy: goals are only ever read together with their owner. */
export async function listGoals(db: Db, userId: number): Promise<GoalWithCount[]> {
  return withCount(db).where('g.user_id', userId).orderBy('g.id');
}

export async function findUserGoal(db: Db, userId: number, id: number): Promise<GoalWithCount | undefined> {
  return withCount(db).where({ 'g.user_id': userId, 'g.id': id }).first();
}

export async function insertGoal(db: Db, userId: number, fields: GoalFields, token: StoredToken): Promise<GoalRow> {
  const [row] = await db<GoalRow>('conversion_goals')
    .insert({ user_id: userId, ...fields, postback_token_hash: token.hash, token_prefix: token.prefix })
    .returning('*');
  return row as GoalRow;
}

export async function updateGoal(db: Db, userId: number, id: number, fields: Partial<GoalFields> | { postback_token_hash: string; token_prefix: string }): Promise<boolean> {
  const count = await db('conversion_goals').where({ id, user_id: userId }).update({ ...fields, updated_at: db.fn.now() });
  return count > 0;
}

export async function deleteGoal(db: Db, userId: number, id: number): Promise<boolean> {
  return (await db('conversion_goals').where({ id, user_id: userId }).delete()) > 0;
}

export interface GoalOwner {
  id: number;
  plan: Plan;
  attribution_window_days: number;
}

/** The goal a postback token names, with what the postback needs of its owner. */
export async function findGoalByTokenHash(db: Db, hash: string): Promise<{ goal: GoalRow; owner: GoalOwner } | undefined> {
  const row = await db('conversion_goals as g')
    .join('users as u', 'u.id', 'g.user_id')
    .where('g.postback_token_hash', hash)
    .first('g.*', 'u.plan as owner_plan', 'u.attribution_window_days as owner_window_days');
  if (!row) return undefined;
  const { owner_plan, owner_window_days, ...goal } = row as GoalRow & { owner_plan: Plan; owner_window_days: number };
  return { goal, owner: { id: goal.user_id, plan: owner_plan, attribution_window_days: owner_window_days } };
}
