import assert from 'node:assert/strict';
import { clickPercentages } from '../../../src/api/variants.schema';

function sum(values: number[]): number {
  return Math.round(values.reduce((a, b) => a + b, 0) * 10) / 10;
}

describe('clickPercentages', () => {
  it('gives the documented example 51.2 and 48.8', () => {
    assert.deepEqual(clickPercentages([823, 785]), [51.2, 48.8]);
  });

  it('sums thirds to exactly 100.0 by giving the spare tenth to one share', () => {
    const shares = clickPercentages([1, 1, 1]);
    assert.deepEqual(shares, [33.4, 33.3, 33.3]);
    assert.equal(sum(shares), 100);
  });

  it('leaves variants without clicks at 0 and shares 100 among the rest', () => {
    assert.deepEqual(clickPercentages([0, 3, 0, 1]), [0, 75, 0, 25]);
  });

  it('answers all zeros when nothing has been clicked', () => {
    assert.deepEqual(clickPercentages([0, 0]), [0, 0]);
  });

  it('sums to exactly 100.0 for many awkward splits', () => {
    for (let seed = 1; seed < 500; seed++) {
      const counts = Array.from({ length: 1 + (seed % 7) }, (_, i) => ((seed * 7919 + i * 104729) % 997) + 1);
      const shares = clickPercentages(counts);
      assert.equal(sum(shares), 100, JSON.stringify(counts));
      for (const share of shares) assert.equal(Math.round(share * 10) / 10, share);
    }
  });
});
