import { planAllows, type Plan } from '../lib/plans';
import type { Db } from './knex';

export interface VariantRow {
  id: number;
  link_id: number;
  name: string;
  destination_url: string;
  weight: number;
  active: boolean;
  click_count: number;
  created_at: Date;
  updated_at: Date;
}

export type VariantFields = Pick<VariantRow, 'name' | 'destination_url' | 'weight' | 'active'>;

/** Variants are always reached through their link, whose ownership the caller has checked. */
export async function listVariants(db: Db, linkId: number): Promise<VariantRow[]> {
  return db<VariantRow>('link_variants').where({ link_id: linkId }).orderBy('id');
}

/**
 * What the redirector may choose from: active variants, in a stable order — none when the
 * link's owner is on a plan without A/B testing (e.g. after a downgrade), so the link's own
 * destination is served and the variants wait, intact, for an upgrade.
 */
export async function findActiveVariants(db: Db, linkId: number): Promise<VariantRow[]> {
  const rows = (await db('link_variants as v')
    .join('links as l', 'l.id', 'v.link_id')
    .join('users as u', 'u.id', 'l.user_id')
    .where({ 'v.link_id': linkId, 'v.active': true })
    .orderBy('v.id')
    .select('v.*', 'u.plan as owner_plan')) as Array<VariantRow & { owner_plan: Plan }>;
  return rows.filter((r) => planAllows(r.owner_plan, 'variants')).map(({ owner_plan: _plan, ...variant }) => variant);
}

export async function countVariants(db: Db, linkId: number): Promise<number> {
  const [row] = await db('link_variants').where({ link_id: linkId }).count<Array<{ n: number }>>({ n: '*' });
  return Number(row?.n ?? 0);
}

export async function insertVariant(db: Db, linkId: number, fields: VariantFields): Promise<VariantRow> {
  const [row] = await db<VariantRow>('link_variants').insert({ link_id: linkId, ...fields }).returning('*');
  return row as VariantRow;
}

export async function updateVariant(db: Db, linkId: number, id: number, fields: Partial<VariantFields>): Promise<VariantRow | undefined> {
  const [row] = await db<VariantRow>('link_variants')
    .where({ id, link_id: linkId })
    .update({ ...fields, updated_at: db.fn.now() as unknown as Date })
    .returning('*');
  return row;
}

export async function deleteVariant(db: Db, linkId: number, id: number): Promise<boolean> {
  return (await db('link_variants').where({ id, link_id: linkId }).delete()) > 0;
}
