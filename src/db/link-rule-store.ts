import type { Db } from './knex';
import type { RuleConditions } from '../lib/targeting';

export interface LinkRuleRow {
  id: number;
  link_id: number;
  position: number;
  name: string | null;
  conditions: RuleConditions;
  /** The rule's target: a destination, or (null here) the variant set below. */
  destination_url: string | null;
  /** The link's variants the weighted choice is made among, ascending; empty for a destination rule. */
  variant_ids: number[];
  created_at: Date;
}

export type NewLinkRule = Pick<LinkRuleRow, 'name' | 'conditions' | 'destination_url'> & { variant_ids?: readonly number[] };

/** (variant_id, link_id) → link_variants: a set lists only its link's variants, and a listed variant is not deleted. */
export const RULE_VARIANT_FK = 'link_rule_variants_variant_fkey';

export async function listLinkRules(db: Db, linkId: number): Promise<LinkRuleRow[]> {
  const rows = await db('link_rules as r')
    .where('r.link_id', linkId)
    .orderBy('r.position')
    .select<Array<Omit<LinkRuleRow, 'variant_ids'> & { variant_ids: Array<string | number> }>>(
      'r.*',
      db.raw('ARRAY(SELECT s.variant_id FROM link_rule_variants s WHERE s.rule_id = r.id ORDER BY s.variant_id) AS variant_ids'),
    );
  // int8 arrives as text from pg.
  return rows.map((row) => ({ ...row, variant_ids: row.variant_ids.map(Number) }));
}

/**
 * The link's whole ordered list at once, in one transaction: order is the list's order. A
 * variant deleted meanwhile, or another link's, trips RULE_VARIANT_FK (the caller maps it).
 */
export function replaceLinkRules(db: Db, linkId: number, rules: readonly NewLinkRule[]): Promise<LinkRuleRow[]> {
  return db.transaction(async (trx) => {
    // Two replacements of one link's list at once would both delete, then collide on the
    // (link_id, position) key: the link's row lock makes the second wait for the first.
    await trx('links').where({ id: linkId }).forNoKeyUpdate().first('id');
    await trx('link_rules').where({ link_id: linkId }).delete();
    if (rules.length === 0) return [];
    const inserted: Array<Omit<LinkRuleRow, 'variant_ids'>> = await trx('link_rules')
      .insert(rules.map((r, position) => ({ link_id: linkId, position, name: r.name, conditions: JSON.stringify(r.conditions), destination_url: r.destination_url })))
      .returning('*');
    // By position, not by the order RETURNING happens to use.
    const stored = inserted.map((row) => ({ ...row, variant_ids: [...(rules[row.position]?.variant_ids ?? [])].sort((a, b) => a - b) })).sort((a, b) => a.position - b.position);
    const sets = stored.flatMap((row) => row.variant_ids.map((variantId) => ({ rule_id: row.id, link_id: linkId, variant_id: variantId })));
    if (sets.length > 0) await trx('link_rule_variants').insert(sets);
    return stored;
  });
}
