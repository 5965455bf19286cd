import assert from 'node:assert/strict';
import { addressBlock } from '../../../src/lib/address-block';

describe('addressBlock (the visitor unit of password attempt budgets)', () => {
  it('keeps an IPv4 address whole, also when it arrives IPv4-mapped', () => {
    assert.equal(addressBlock('203.0.113.7'), '203.0.113.7');
    assert.equal(addressBlock('::ffff:203.0.113.7'), '203.0.113.7');
    assert.notEqual(addressBlock('203.0.113.8'), addressBlock('203.0.113.7'));
  });

  it('gives every address of an IPv6 /64 the same block, however it is written', () => {
    const block = '2001:db8:1:2::/64';
    for (const ip of ['2001:db8:1:2::1', '2001:0db8:0001:0002:ffff:ffff:ffff:ffff', '2001:DB8:1:2:3:4:5:6', '2001:db8:1:2::']) assert.equal(addressBlock(ip), block, ip);
    assert.equal(addressBlock('2001:db8:1:3::1'), '2001:db8:1:3::/64');
    assert.equal(addressBlock('2001:db8::1'), '2001:db8:0:0::/64');
    assert.equal(addressBlock('1::2:3:4:5:6:7'), '1:0:2:3::/64');
    assert.equal(addressBlock('::1'), '0:0:0:0::/64');
  });

  it('treats anything that is no address as its own block', () => {
    assert.equal(addressBlock(''), '');
    assert.equal(addressBlock('unknown'), 'unknown');
  });
});
