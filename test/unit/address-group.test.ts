import assert from 'node:assert/strict';
import { addressGroup } from '../../src/lib/visitor-hash';

describe('addressGroup (the unit per-address limits count)', () => {
  it('keeps an IPv4 address whole, including one written IPv4-mapped', () => {
    assert.equal(addressGroup('203.0.113.7'), '203.0.113.7');
    assert.equal(addressGroup('::ffff:203.0.113.7'), '203.0.113.7');
  });

  it('reduces an IPv6 address to its /64, however it is written', () => {
    assert.equal(addressGroup('2001:db8:aa:bb::1'), '2001:db8:aa:bb::/64');
    assert.equal(addressGroup('2001:0DB8:00aa:00bb:ffff:1:2:3'), '2001:db8:aa:bb::/64');
    assert.equal(addressGroup('2001:db8::1'), '2001:db8:0:0::/64');
    assert.equal(addressGroup('::1'), '0:0:0:0::/64');
    assert.equal(addressGroup('fe80::1%eth0'), 'fe80:0:0:0::/64');
  });
});
