import assert from 'node:assert/strict';
import { openEvents, openPayload, sealEvents, sealPayload } from '../../../src/queues/sealed-events';
import { packClicks, unpackClicks, type ClickEvent, type PackedClicks } from '../../../src/lib/edge-events';
import { decryptSecret } from '../../../src/lib/secrets';

const SECRET = 'unit-secret-unit-secret-unit-secret-0001';
const EVENTS = [{ ip: '81.2.69.160', userAgent: 'Mozilla/5.0 Firefox/121' }];

describe('Sealed edge events', () => {
  it('open to the same events with the same APP_SECRET and show nothing raw', () => {
    const sealed = sealEvents(SECRET, EVENTS);
    assert.ok(!sealed.includes('81.2.69.160') && !sealed.includes('Firefox'));
    assert.deepEqual(openEvents(SECRET, sealed), EVENTS);
    assert.notEqual(sealEvents(SECRET, EVENTS), sealed, 'a fresh IV each time');
  });

  it('refuse to open under another APP_SECRET, as another purpose, or altered', () => {
    const sealed = sealEvents(SECRET, EVENTS);
    assert.throws(() => openEvents('other-secret-other-secret-other-secret-01', sealed));
    assert.throws(() => decryptSecret(SECRET, sealed), 'the payload subkey is not the stored-secrets key');
    const [version, iv, tag, body] = sealed.split('.') as [string, string, string, string];
    const flipped = Buffer.from(body, 'base64');
    flipped[0] = (flipped[0] as number) ^ 1;
    assert.throws(() => openEvents(SECRET, [version, iv, tag, flipped.toString('base64')].join('.')));
  });

  it('carry a click batch packed (agents and referrers once) and open it to the very same events', () => {
    const chrome = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';
    const base = { linkId: 7, userId: 3, variantId: null, at: 1_765_000_000_000, ip: '81.2.69.160', userAgent: chrome, referrer: null };
    const clicks: ClickEvent[] = [
      { ...base, id: 'a' },
      { ...base, id: 'b', referrer: 'https://t.co/x', variantId: 12 },
      { ...base, id: 'c', userAgent: '', referrer: 'https://t.co/x', clickId: 99, trigger: 'qr', ruleId: 4 },
      { ...base, id: 'd', ip: '2001:db8::1', ruleId: 5 },
    ];
    const packed = packClicks(clicks);
    assert.deepEqual([packed.agents.length, packed.referrers.length], [2, 1]);
    const sealed = sealPayload(SECRET, packed);
    assert.ok(sealed.length < sealPayload(SECRET, clicks).length * 0.75, 'smaller than the events themselves');
    assert.deepEqual(unpackClicks(openPayload<PackedClicks | ClickEvent[]>(SECRET, sealed)), clicks);
    assert.deepEqual(unpackClicks(openPayload<PackedClicks | ClickEvent[]>(SECRET, sealEvents(SECRET, clicks))), clicks, 'a batch queued before packing');
  });
});
