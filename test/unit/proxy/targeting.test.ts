import assert from 'node:assert/strict';
import type { LinkRuleRow } from '../../../src/db/link-rule-store';
import { compileRules } from '../../../src/proxy/targeting';
import type { CachedVariant } from '../../../src/proxy/variant-choice';

function row(id: number, target: { destination_url: string } | { variant_ids: number[] }): LinkRuleRow {
  return { id, link_id: 1, position: id, name: null, conditions: { device: ['mobile'] }, destination_url: null, variant_ids: [], created_at: new Date(0), ...target };
}
const tagged = (url: string) => `${url}?utm_source=x`;
const VARIANTS: CachedVariant[] = [{ id: 10, destination: 'https://a/', weight: 5 }, { id: 11, destination: 'https://b/', weight: 0 }, { id: 12, destination: 'https://c/', weight: 1 }];

describe('compileRules (targets)', () => {
  it('keeps a destination rule\'s merged destination and narrows a variant set to what can be chosen', () => {
    const rules = compileRules([row(1, { destination_url: 'https://d/' }), row(2, { variant_ids: [11, 12, 99] })], tagged, VARIANTS);
    assert.deepEqual(rules?.list.map((r) => [r.id, r.destination, r.variants?.map((v) => v.id)]), [[1, 'https://d/?utm_source=x', undefined], [2, undefined, [12]]]);
  });

  it('passes over a rule whose set has nothing to choose (weight 0, inactive or gone with the plan), and has no rules when none is left', () => {
    const rules = compileRules([row(1, { variant_ids: [11] }), row(2, { destination_url: 'https://d/' })], tagged, VARIANTS);
    assert.deepEqual(rules?.list.map((r) => r.id), [2]);
    assert.equal(compileRules([row(1, { variant_ids: [10, 12] })], tagged, []), undefined);
  });
});
