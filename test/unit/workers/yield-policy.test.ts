import assert from 'node:assert/strict';
import { YieldPolicy } from '../../../src/workers/yield-to-web';

describe('When ingest holds back for a busy web process', () => {
  const limits = { busyAbove: 0.8, freeBelow: 0.5, maxMs: 10_000 };

  it('holds while the web is busy and lets go once it is free, with a band between where neither changes', () => {
    const policy = new YieldPolicy(limits);
    assert.equal(policy.reading(0.7, 0), false, 'busy enough to keep a hold, not to start one');
    assert.equal(policy.reading(0.85, 250), true);
    assert.equal(policy.reading(0.6, 500), true, 'still in the band: the hold goes on');
    assert.equal(policy.reading(0.4, 750), false);
    assert.equal(policy.reading(0.7, 1000), false);
  });

  it('lets go after maxMs of sustained load, and holds again only after the web has been free', () => {
    const policy = new YieldPolicy(limits);
    assert.equal(policy.reading(0.95, 0), true);
    assert.equal(policy.reading(0.95, 9_999), true);
    assert.equal(policy.reading(0.95, 10_000), false, 'the count must not fall further behind');
    assert.equal(policy.reading(0.99, 30_000), false, 'sustained load is shared, not held back again');
    assert.equal(policy.reading(0.2, 31_000), false);
    assert.equal(policy.reading(0.9, 32_000), true, 'a new burst is held back again');
  });

  it('lets go when the readings stop', () => {
    const policy = new YieldPolicy(limits);
    assert.equal(policy.reading(0.9, 0), true);
    assert.equal(policy.silence(), false);
    assert.equal(policy.reading(0.9, 100), true, 'a fresh hold, with its full length');
    assert.equal(policy.reading(0.9, 10_099), true);
  });
});
