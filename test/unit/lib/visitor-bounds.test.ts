import assert from 'node:assert/strict';
import { parseAgent, referrerDomain } from '../../../src/lib/enrichment';
import { boundReferrer, boundUserAgent, REFERRER_MAX_LENGTH, USER_AGENT_MAX_LENGTH } from '../../../src/lib/visitor-bounds';
import { hashUserAgent } from '../../../src/lib/visitor-hash';

const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0';

describe('Visitor header bounds', () => {
  it('keep short values as they are and cut long ones to their bound', () => {
    assert.equal(boundUserAgent(FIREFOX), FIREFOX);
    assert.equal(boundReferrer(null), null);
    assert.equal(boundUserAgent(`${FIREFOX}${'x'.repeat(5000)}`).length, USER_AGENT_MAX_LENGTH);
    assert.equal(boundReferrer(`https://a.example/${'p'.repeat(5000)}`)?.length, REFERRER_MAX_LENGTH);
  });

  it('lose nothing enrichment derives: browser, OS and referrer domain of a cut value are those of the whole one', () => {
    const long = `${FIREFOX} ${'padding '.repeat(600)}`;
    assert.deepEqual(parseAgent(boundUserAgent(long)), parseAgent(long));
    assert.equal(referrerDomain(boundReferrer(`https://www.news.example.org/story/${'%E6%97%A5'.repeat(400)}?q=1`)), 'news.example.org');
  });

  it('hash a user agent by its bounded form, so a long one from a postback matches the click the edge cut', () => {
    const long = `${FIREFOX}${'x'.repeat(3000)}`;
    assert.equal(hashUserAgent('s'.repeat(32), long), hashUserAgent('s'.repeat(32), boundUserAgent(long)));
  });
});
