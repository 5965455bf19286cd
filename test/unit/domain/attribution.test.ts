import assert from 'node:assert/strict';
import { formatTimeToConvert } from '../../../src/domain/attribution';
import { hashIp as workerHashIp, hashUserAgent as workerHashUa } from '../../../src/lib/enrichment';
import { canonicalIp, hashIp, hashUserAgent } from '../../../src/lib/visitor-hash';

describe('formatTimeToConvert', () => {
  const cases: Array<[number, string]> = [
    [0, '0 seconds'],
    [1000, '1 second'],
    [45_000, '45 seconds'],
    [59_600, '1 minute'],
    [45 * 60_000, '45 minutes'],
    [59.6 * 60_000, '1 hour'],
    [2.5 * 3_600_000, '2.5 hours'],
    [3 * 3_600_000, '3 hours'],
    [23.97 * 3_600_000, '1 day'],
    [36 * 3_600_000, '1.5 days'],
    [3 * 86_400_000, '3 days'],
    [-5000, '0 seconds'],
  ];
  for (const [ms, text] of cases) {
    it(`reads ${ms} ms as "${text}"`, () => assert.equal(formatTimeToConvert(ms), text));
  }
});

describe('visitor hashes in the web process', () => {
  it('match the hashes workers store with clicks', () => {
    const secret = 'test-secret-test-secret-test-secret-0123';
    assert.equal(hashIp(secret, '203.0.113.1'), workerHashIp(secret, '203.0.113.1'));
    assert.equal(hashUserAgent(secret, 'Mozilla/5.0'), workerHashUa(secret, 'Mozilla/5.0'));
  });

  it('canonicalise reported addresses the way the edge sees them', () => {
    assert.equal(canonicalIp(' 203.0.113.1 '), '203.0.113.1');
    assert.equal(canonicalIp('::ffff:203.0.113.1'), '203.0.113.1');
    assert.equal(canonicalIp('2001:DB8:0:0::1'), '2001:db8::1');
    assert.equal(canonicalIp('not-an-ip'), undefined);
    assert.equal(canonicalIp('999.1.1.1'), undefined);
  });
});
