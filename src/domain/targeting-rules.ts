import type { Services } from '../services';
import type { LinkRow } from '../db/link-store';
import { RULE_VARIANT_FK, replaceLinkRules, type LinkRuleRow, type NewLinkRule } from '../db/link-rule-store';
import { listVariants } from '../db/variant-store';
import { isForeignKeyViolation } from '../db/pg-errors';
import { publishLinkInvalidation } from '../queues/link-invalidation';
import { linkCacheKey } from '../lib/hostnames';
import { DomainError } from './errors';

const NOT_THIS_LINKS = 'Variant ids must list variants of this link';

/**
 * PUT …/rules: a variant set may name only this link's variants (422 naming the rule and the
 * ids). A variant deleted between that check and the write trips the foreign key: the same
 * answer. Then every web process drops the link from its cache.
 */
export async function replaceUserLinkRules(services: Services, link: Pick<LinkRow, 'id' | 'domain_id' | 'short_code'>, rules: readonly NewLinkRule[]): Promise<LinkRuleRow[]> {
  if (rules.some((r) => (r.variant_ids ?? []).length > 0)) {
    const known = new Set((await listVariants(services.db, link.id)).map((v) => v.id));
    const errors = rules.flatMap((r, i) => {
      const unknown = (r.variant_ids ?? []).filter((id) => !known.has(id));
      return unknown.length > 0 ? [`${NOT_THIS_LINKS}: rule ${i + 1} lists ${unknown.join(', ')}`] : [];
    });
    if (errors.length > 0) throw DomainError.invalid(errors);
  }
  const rows = await replaceLinkRules(services.db, link.id, rules).catch((err: unknown) => {
    if (isForeignKeyViolation(err, RULE_VARIANT_FK)) throw DomainError.invalid([NOT_THIS_LINKS]);
    throw err;
  });
  await publishLinkInvalidation(services, [linkCacheKey(link.domain_id, link.short_code)]);
  return rows;
}
