import assert from 'node:assert/strict';
import geoip from 'geoip-lite';
import { locate } from '../../../src/lib/geo';

describe('locate', () => {
  it('finds what geoip-lite finds for the same address, IPv4 (parsed here) and IPv6 alike', () => {
    for (const ip of ['81.2.69.160', '8.8.8.8', '1.0.0.1', '223.255.255.1', '255.255.255.255', '0.0.0.0', '127.0.0.1', '10.1.2.3', '2001:4860:4860::8888', '::1']) {
      const found = geoip.lookup(ip);
      assert.deepEqual(locate(ip), { countryCode: found?.country || null, city: found?.city || null }, ip);
    }
    assert.equal(locate('81.2.69.160').countryCode, 'GB');
  });

  it('locates nothing that is not an address', () => {
    for (const value of ['', 'unknown', '1.2.3', '999.1.1.1']) assert.deepEqual(locate(value), { countryCode: null, city: null }, value);
  });
});
