import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { addIds, addRegisters, emptySketch, estimate, EXACT_VISITORS_MAX, HLL_PRECISION, mergeSketches, unionIds, visitorId, visitorRegister } from '../../../src/lib/hll';

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
  it('counts an empty sketch as zero and sets of up to a hundred exactly', () => {
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

describe('Exact visitor sets of small days', () => {
  const hex = (i: number) => i.toString(16).padStart(16, '0');

  it('unions days exactly: a visitor seen on two days counts once', () => {
    const monday = addIds(Buffer.alloc(0), [hex(1), hex(2), hex(3)]);
    const tuesday = addIds(Buffer.alloc(0), [hex(3), hex(4)]);
    assert.ok(monday && tuesday);
    assert.equal(unionIds([monday, tuesday]).size, 4);
    assert.deepEqual(addIds(monday, [hex(2), hex(1)]), monday, 'adding known visitors changes nothing');
  });

  it(`gives up the exact set past ${EXACT_VISITORS_MAX} visitors (the sketch takes over)`, () => {
    const full = addIds(Buffer.alloc(0), Array.from({ length: EXACT_VISITORS_MAX }, (_, i) => hex(i)));
    assert.equal(full?.length, EXACT_VISITORS_MAX * 8);
    assert.equal(addIds(full as Buffer, [hex(EXACT_VISITORS_MAX)]), null);
  });

  it('raises, from a stored batch, the register the rollup SQL raises for each visitor', () => {
    // [hashed IP, register, rank] as PostgreSQL computes them in rollup-store.ts.
    const fromSql: Array<[string, number, number]> = [
      ['ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb', 12965, 1],
      [`fffc000000000001${'b'.repeat(48)}`, 16383, 50],
      [`ffff000000000000${'a'.repeat(48)}`, 16383, 1],
      [`0003ffffffffffff${'c'.repeat(48)}`, 0, 1],
      [`0000000000000000${'e'.repeat(48)}`, 0, 51],
    ];
    for (const [hex, idx, rank] of fromSql) assert.deepEqual(visitorRegister(hex), { idx, rank }, hex);
    for (let i = 0; i < 2000; i++) {
      const hex = createHmac('sha256', 'k').update(`visitor-${i}`).digest('hex');
      assert.deepEqual(visitorRegister(hex), register(hex));
    }
    assert.equal(visitorRegister('not-a-hash'), undefined);
    assert.equal(visitorId(`ABCDEF0123456789${'0'.repeat(48)}`), 'ABCDEF0123456789');
    assert.equal(visitorId('h1'), undefined);
  });
});
