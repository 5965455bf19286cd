import assert from 'node:assert/strict';
import { blockedReason, guardedLookup, literalHostProblem, webhookUrlProblem } from '../../../../src/domain/webhooks/ssrf';

describe('Webhook SSRF guard', () => {
  const refused: Array<[string, RegExp]> = [
    ['127.0.0.1', /loopback/], ['127.255.255.254', /loopback/],
    ['10.1.2.3', /private/], ['172.16.0.1', /private/], ['172.31.255.255', /private/], ['192.168.1.1', /private/],
    ['169.254.169.254', /link-local/], ['169.254.0.1', /link-local/],
    ['100.64.0.1', /carrier-grade NAT/], ['100.127.255.255', /carrier-grade NAT/],
    ['0.0.0.0', /this network/], ['0.1.2.3', /this network/],
    ['224.0.0.1', /multicast/], ['239.255.255.250', /multicast/], ['240.0.0.1', /reserved/], ['255.255.255.255', /reserved/],
    ['192.0.2.1', /documentation/], ['198.18.0.1', /reserved/],
    ['::1', /loopback/], ['::', /unspecified/], ['0:0:0:0:0:0:0:1', /loopback/],
    ['fc00::1', /unique local/], ['fd12:3456::1', /unique local/], ['fe80::1', /link-local/], ['fe80::1%eth0', /link-local/], ['ff02::1', /multicast/],
    ['::ffff:127.0.0.1', /loopback/], ['::ffff:7f00:1', /loopback/], ['::ffff:10.0.0.1', /private/], ['::ffff:169.254.169.254', /link-local/],
    ['::ffff:a9fe:a9fe', /link-local/], ['::ffff:100.64.0.1', /carrier-grade NAT/], ['::ffff:192.168.0.1', /private/], ['::ffff:0.0.0.0', /this network/],
    ['0:0:0:0:0:ffff:7f00:1', /loopback/], ['64:ff9b::127.0.0.1', /loopback/], ['64:ff9b::a9fe:a9fe', /link-local/], ['2002:7f00:1::', /loopback/],
    ['::127.0.0.1', /reserved/], ['2001:db8::1', /documentation/],
    // IPv4-translated (::ffff:0:0:0/96, RFC 6145) is judged by the IPv4 address it carries.
    ['::ffff:0:127.0.0.1', /loopback/], ['::ffff:0:7f00:1', /loopback/], ['0:0:0:0:ffff:0:a9fe:a9fe', /link-local/], ['::ffff:0:10.0.0.1', /private/],
    // Newer and wider reservations: the RFC 9637 documentation prefix, SRv6 SIDs, space outside 2000::/3.
    ['3fff::1', /documentation/], ['3fff:fff:ffff::1', /documentation/], ['5f00::1', /reserved/], ['4000::1', /reserved/], ['::8.8.8.8', /reserved/],
    ['not-an-address', /not an IP address/],
  ];
  for (const [address, reason] of refused) {
    it(`refuses ${address}`, () => {
      assert.match(blockedReason(address) ?? 'allowed', reason);
    });
  }

  it('allows public unicast addresses, including their IPv4-mapped forms', () => {
    for (const address of ['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8', '2a00:1450:4001::1', '::ffff:0:8.8.8.8', '3fff:1000::1']) {
      assert.equal(blockedReason(address), null, address);
    }
  });

  it('refuses at save time every spelling of an internal host the URL parser accepts', async () => {
    const urls = [
      'http://127.0.0.1/', 'http://127.1/', 'http://2130706433/', 'http://0x7f000001/', 'http://0177.0.0.1/', 'http://localhost:8080/x',
      'http://[::1]/', 'http://[::ffff:127.0.0.1]/', 'http://[::ffff:a9fe:a9fe]/', 'https://169.254.169.254/latest/meta-data/',
      'http://10.0.0.1/', 'http://100.64.1.1/', 'http://0.0.0.0/', 'http://[fd00::1]/', 'http://[fe80::1]/',
      'http://[::ffff:0:127.0.0.1]/', 'http://[::ffff:0:a9fe:a9fe]/', 'http://[3fff::1]/',
    ];
    for (const url of urls) assert.match((await webhookUrlProblem(url, false)) ?? 'allowed', /Webhook url (points to|resolves to)/, url);
  });

  it('refuses non-http(s) schemes and URLs with credentials even when private targets are allowed', async () => {
    assert.match((await webhookUrlProblem('ftp://example.com/', true)) ?? '', /http or https/);
    assert.match((await webhookUrlProblem('javascript:alert(1)', true)) ?? '', /http or https/);
    assert.match((await webhookUrlProblem('https://user:pw@example.com/', true)) ?? '', /credentials/);
    assert.equal(await webhookUrlProblem('http://127.0.0.1:9/', true), null);
  });

  it('refuses at connect time a name that resolves to a blocked address (the DNS-rebinding path)', async () => {
    const lookup = guardedLookup(false);
    const err = await new Promise<Error | null>((resolve) => lookup('localhost', {}, (e) => resolve(e)));
    assert.match(err?.message ?? 'no error', /Refused: localhost resolves to a loopback address/);
    const allowed = await new Promise<Error | null>((resolve) => guardedLookup(true)('localhost', {}, (e) => resolve(e)));
    assert.equal(allowed, null);
  });

  it('refuses at connect time an IP literal host, which never goes through lookup', () => {
    assert.match(literalHostProblem(new URL('http://[::ffff:7f00:1]:81/'), false) ?? '', /loopback/);
    assert.match(literalHostProblem(new URL('http://[::ffff:0:127.0.0.1]:81/'), false) ?? '', /loopback/);
    assert.equal(literalHostProblem(new URL('http://[::ffff:7f00:1]:81/'), true), null);
    assert.equal(literalHostProblem(new URL('http://example.com/'), false), null);
  });
});
