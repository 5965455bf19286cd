import assert from 'node:assert/strict';
import { openEvents, sealEvents } from '../../../src/queues/sealed-events';
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
});
