import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { addRegisters, emptySketch, estimate, HLL_PRECISION, mergeSketches } from '../../src/hll';

/** The registers rollup-store.ts computes in SQL from a visitor's hex HMAC, computed here in JS. */
function register(hex: string): { idx: number; rank: number } {
  const bits = BigInt(`0x${hex.slice(0, 16)}`).toString(2).padStart(64, '0');
  const first = bits.slice(HLL_PRECISION).indexOf('1');
  return { idx: parseInt(bits.slice(0, HLL_PRECISION), 2), rank: first === -1 ? 51 : first + 1 };
}

function visitors(from: number, to: number): Array<{ idx: number; rank: number }> {
  const out = [];
  for (let i = from; i < to; i++) out.push(register(createHmac('sha256', 'k').update(`visitor-${i}`).digest('hex')));
  return out;
}

describe('HyperLogLog visitor sketches', () => {
  it('counts an empty sketch as zero and small sets exactly', () => {
    assert.equal(estimate(emptySketch()), 0);
    for (const n of [1, 2, 3, 10, 100]) assert.equal(estimate(addRegisters(emptySketch(), visitors(0, n))), n);
  });

  it('estimates large sets within 3%', () => {
    const n = 200_000;
    const value = estimate(addRegisters(emptySketch(), visitors(0, n)));
    assert.ok(Math.abs(value - n) / n < 0.03, `estimate ${value} for ${n}`);
  });

  it('merges days into the union: a visitor seen on two days counts once, and merging is idempotent', () => {
    const monday = addRegisters(emptySketch(), visitors(0, 50));
    const tuesday = addRegisters(emptySketch(), visitors(25, 80));
    assert.equal(estimate(mergeSketches([monday, tuesday])), 80);
    assert.equal(estimate(mergeSketches([monday, tuesday, tuesday, monday])), 80);
  });
});
