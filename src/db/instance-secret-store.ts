import { randomBytes } from 'node:crypto';
import type { Db } from './knex';

export interface InstanceSecret {
  secret: string;
  /** This call generated it (the deployment's first start without APP_SECRET). */
  created: boolean;
}

/**
 * The deployment's generated APP_SECRET (table instance_secrets, one row). Processes starting at
 * once each offer a fresh candidate; the first insert wins and every process then reads that
 * one, so they all agree.
 */
export async function instanceSecret(db: Db): Promise<InstanceSecret> {
  const candidate = randomBytes(32).toString('base64url');
  const inserted = await db('instance_secrets').insert({ id: 1, app_secret: candidate }).onConflict('id').ignore().returning('app_secret');
  if (inserted.length > 0) return { secret: candidate, created: true };
  const row = await db('instance_secrets').where({ id: 1 }).first('app_secret');
  if (!row) throw new Error('instance secret vanished between insert and select');
  return { secret: row.app_secret as string, created: false };
}
