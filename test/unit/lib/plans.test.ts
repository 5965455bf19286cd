import assert from 'node:assert/strict';
import { FEATURES, planAllows, plansWith } from '../../../src/lib/plans';

describe('plans', () => {
  it('gives API access on every plan', () => {
    for (const plan of ['free', 'pro', 'enterprise'] as const) assert.equal(planAllows(plan, 'api'), true);
  });
  it('keeps scheduling, variants and conversions for pro and enterprise', () => {
    for (const feature of ['scheduling', 'variants', 'conversions'] as const) {
      assert.equal(planAllows('free', feature), false);
      assert.equal(planAllows('pro', feature), true);
      assert.equal(planAllows('enterprise', feature), true);
    }
  });
  it('keeps bulk import and webhooks for enterprise', () => {
    for (const feature of ['bulk_import', 'webhooks'] as const) {
      assert.equal(planAllows('pro', feature), false);
      assert.equal(planAllows('enterprise', feature), true);
    }
  });
  it('names the plans that include each feature, cheapest first, as planAllows decides', () => {
    assert.deepEqual(plansWith('targeting'), ['pro', 'enterprise']);
    assert.deepEqual(plansWith('webhooks'), ['enterprise']);
    for (const feature of FEATURES) {
      for (const plan of ['free', 'pro', 'enterprise'] as const) assert.equal(plansWith(feature).includes(plan), planAllows(plan, feature), `${plan} ${feature}`);
    }
  });
});
