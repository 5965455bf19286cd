import assert from 'node:assert/strict';
import { cookieVariantId, decideVariant, pickVariant, variantCookieName, type CachedVariant } from '../../../src/proxy/variant-choice';

const A: CachedVariant = { id: 1, destination: 'https://a.example', weight: 70 };
const B: CachedVariant = { id: 2, destination: 'https://b.example', weight: 30 };

/**
 * n picks with P(A) = p: the count of A is Binomial(n, p), standard deviation sqrt(n p (1-p)).
 * Accepting ±5 standard deviations fails a correct chooser with probability ~6e-7, and with
 * n = 4,000 it rejects every split more than ~3.7 points away (a 65/35 or 75/25 chooser
 * cannot pass by luck: it would sit ~6 standard deviations out).
 */
function fiveSigma(n: number, p: number): [number, number] {
  const sd = Math.sqrt(n * p * (1 - p));
  return [n * p - 5 * sd, n * p + 5 * sd];
}

function countPicks(variants: CachedVariant[], n: number): Map<number, number> {
  const counts = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const v = pickVariant(variants, Math.random());
    assert.ok(v);
    counts.set(v.id, (counts.get(v.id) ?? 0) + 1);
  }
  return counts;
}

describe('pickVariant', () => {
  it('splits 4,000 picks 70/30 for weights 70 and 30, within five standard deviations', () => {
    const n = 4000;
    const a = countPicks([A, B], n).get(1) ?? 0;
    const [low, high] = fiveSigma(n, 0.7);
    assert.ok(a >= low && a <= high, `A chosen ${a} times, expected ${low.toFixed(0)}–${high.toFixed(0)}`);
  });

  it('treats weights as relative: 1 and 3 split 25/75 without summing to 100', () => {
    const n = 4000;
    const first = countPicks([{ ...A, weight: 1 }, { ...B, weight: 3 }], n).get(1) ?? 0;
    const [low, high] = fiveSigma(n, 0.25);
    assert.ok(first >= low && first <= high, `weight-1 variant chosen ${first} times`);
  });

  it('never chooses a variant of weight 0, wherever the random point falls', () => {
    const zero = { id: 3, destination: 'https://zero.example', weight: 0 };
    for (const r of [0, 1e-12, 0.3, 0.69999, 0.7, 0.999999999, 1 - Number.EPSILON]) {
      assert.notEqual(pickVariant([zero, A, zero, B, zero], r)?.id, 3, `random ${r}`);
    }
  });

  it('maps the unit interval onto cumulative weights in list order', () => {
    assert.equal(pickVariant([A, B], 0)?.id, 1);
    assert.equal(pickVariant([A, B], 0.6999)?.id, 1);
    assert.equal(pickVariant([A, B], 0.7)?.id, 2);
    assert.equal(pickVariant([A, B], 0.9999999)?.id, 2);
  });

  it('chooses nothing when no variant has weight, so the link destination is used', () => {
    assert.equal(pickVariant([], 0.5), null);
    assert.equal(pickVariant([{ ...A, weight: 0 }, { ...B, weight: 0 }], 0.5), null);
  });
});

describe('decideVariant (stickiness)', () => {
  it('remembers a fresh pick in a cookie scoped to the short link path', () => {
    const decision = decideVariant(42, [A, B], undefined, '/abc', 0.1);
    assert.equal(decision.variant?.id, 1);
    assert.match(decision.setCookie ?? '', /^lt_v42=1; Max-Age=2592000; Path=\/abc; HttpOnly; SameSite=Lax$/);
  });

  it('keeps a returning visitor on the variant in their cookie, whatever the random draw', () => {
    for (const r of [0, 0.5, 0.99]) {
      const decision = decideVariant(42, [A, B], `other=1; ${variantCookieName(42)}=2`, '/abc', r);
      assert.equal(decision.variant?.id, 2);
      assert.equal(decision.setCookie, null);
    }
  });

  it('re-picks and rewrites the cookie when the remembered variant is inactive, unknown or weighted 0', () => {
    assert.equal(decideVariant(42, [A], 'lt_v42=2', '/abc', 0.5).variant?.id, 1);
    assert.match(decideVariant(42, [A], 'lt_v42=2', '/abc', 0.5).setCookie ?? '', /lt_v42=1/);
    assert.equal(decideVariant(42, [A, { ...B, weight: 0 }], 'lt_v42=2', '/abc', 0.99).variant?.id, 1);
    assert.equal(decideVariant(42, [A, B], 'lt_v42=banana', '/abc', 0).variant?.id, 1);
  });

  it("ignores another link's cookie", () => {
    assert.equal(cookieVariantId('lt_v7=2', 42), undefined);
    assert.equal(cookieVariantId('lt_v42=2', 42), 2);
  });

  it('falls back (no variant, no cookie) when the link has no active variants', () => {
    assert.deepEqual(decideVariant(42, [], 'lt_v42=1', '/abc', 0.5), { variant: null, setCookie: null });
  });
});
