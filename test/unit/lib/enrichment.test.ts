import assert from 'node:assert/strict';
import { canonicalIp, hashIp, locate, parseAgent, referrerDomain } from '../../../src/lib/enrichment';

describe('enrichment', () => {
  it('writes one address one way, so its keyed hash does not depend on the proxy', () => {
    for (const spelling of ['81.2.69.160', ' 81.2.69.160 ', '81.2.69.160:5678', '::ffff:81.2.69.160', '::FFFF:5102:45a0']) {
      assert.equal(canonicalIp(spelling), '81.2.69.160', spelling);
    }
    assert.equal(canonicalIp('[2A02:C7F:1:1:0:0:0:1]:443'), '2a02:c7f:1:1::1');
    assert.equal(hashIp('k'.repeat(32), canonicalIp('2A02:0C7F:0001:0001::1')), hashIp('k'.repeat(32), '2a02:c7f:1:1::1'));
    assert.equal(canonicalIp('not-an-ip'), 'not-an-ip');
  });

  it('locates public addresses and nothing else', () => {
    assert.equal(locate('81.2.69.160').countryCode, 'GB');
    assert.equal(locate('2a02:c7f:1:1::1').countryCode, 'GB');
    assert.deepEqual(locate('127.0.0.1'), { countryCode: null, city: null });
    assert.deepEqual(locate('not-an-ip'), { countryCode: null, city: null });
  });

  it('keeps only the referrer domain of http(s) referrers', () => {
    assert.equal(referrerDomain('https://www.Google.com/search?q=secret'), 'google.com');
    assert.equal(referrerDomain('https://news.ycombinator.com./item'), 'news.ycombinator.com');
    assert.equal(referrerDomain('http://user:pw@t.co:8080/x'), 't.co');
    assert.equal(referrerDomain('android-app://com.google.android.gm/'), null);
    assert.equal(referrerDomain('nonsense'), null);
    assert.equal(referrerDomain(null), null);
  });

  const agents: Array<[string, string, string | null, string | null, boolean]> = [
    ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1', 'mobile', 'Safari', 'iOS', false],
    ['Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1', 'tablet', 'Safari', 'iOS', false],
    ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36', 'desktop', 'Chrome', 'macOS', false],
    ['Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36', 'mobile', 'Chrome', 'Android', false],
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0', 'desktop', 'Edge', 'Windows', false],
    ['curl/8.4.0', 'desktop', null, null, false],
    ['python-requests/2.31.0', 'desktop', null, null, true],
    ['Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', 'desktop', null, null, true],
    ['', 'desktop', null, null, true],
  ];
  for (const [ua, device, browser, os, bot] of agents) {
    it(`reads ${ua ? ua.slice(0, 40) : 'an empty user agent'} as ${device}/${browser}/${os}${bot ? ', a bot' : ''}`, () => {
      assert.deepEqual(parseAgent(ua), { deviceType: device, browserFamily: browser, osFamily: os, isBot: bot });
    });
  }
});
