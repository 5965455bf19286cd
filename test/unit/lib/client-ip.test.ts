import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { clientIp } from '../../../src/lib/client-ip';

function req(remote: string, forwarded?: string): IncomingMessage {
  return { socket: { remoteAddress: remote }, headers: forwarded ? { 'x-forwarded-for': forwarded } : {} } as unknown as IncomingMessage;
}

describe('clientIp', () => {
  it('ignores X-Forwarded-For unless proxies are trusted', () => {
    assert.equal(clientIp(req('10.0.0.1', '203.0.113.9'), 0), '10.0.0.1');
  });
  it('takes the address the last trusted proxy saw', () => {
    assert.equal(clientIp(req('10.0.0.1', '198.51.100.7, 203.0.113.9'), 1), '203.0.113.9');
    assert.equal(clientIp(req('10.0.0.1', '198.51.100.7, 203.0.113.9'), 2), '198.51.100.7');
    assert.equal(clientIp(req('10.0.0.1', '198.51.100.7, 203.0.113.9'), Number.POSITIVE_INFINITY), '198.51.100.7');
  });
  it('unwraps IPv4-mapped IPv6 socket addresses', () => {
    assert.equal(clientIp(req('::ffff:127.0.0.1'), 0), '127.0.0.1');
  });
});
