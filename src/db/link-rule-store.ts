import type { Db } from './knex';
import type { RuleConditions } from '../lib/targeting';

export interface LinkRuleRow {
  id: number;
  link_id: number;
  position: number;
  name: string | null;
  conditions: RuleConditions;
  destination_url: string;
  created_at: Date;
}

export type NewLinkRule = Pick<LinkRuleRow, 'name' | 'conditions' | 'destination_url'>;

export function listLinkRules(db: Db, linkId: number): Promise<LinkRuleRow[]> {
  return db('link_rules').where({ link_id: linkId }).orderBy('position').select('*');
}

/** The link's whole ordered list at once, in one transaction: order is the list's order. */
export function replaceLinkRules(db: Db, linkId: number, rules: readonly NewLinkRule[]): Promise<LinkRuleRow[]> {
  return db.transaction(async (trx) => {
    // Two replacements of one link's list at once would both delete, then collide on the
    // (link_id, position) key: the link's row lock makes the second wait for the first.
    await trx('links').where({ id: linkId }).forNoKeyUpdate().first('id');
    await trx('link_rules').where({ link_id: linkId }).delete();
    if (rules.length === 0) return [];
    return trx('link_rules')
      .insert(rules.map((r, position) => ({ link_id: linkId, position, name: r.name, conditions: JSON.stringify(r.conditions), destination_url: r.destination_url })))
      .returning('*');
  });
}
