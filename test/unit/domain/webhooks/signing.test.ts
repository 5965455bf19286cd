import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { deliveryHeaders, isValidWhsecSecret, pvtlnkSignature, standardWebhooksSignature } from '../../../../src/domain/webhooks/signing';

describe('Webhook signatures', () => {
  it('reproduces the published Standard Webhooks test vector exactly', () => {
    const signature = standardWebhooksSignature('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}');
    assert.equal(signature, 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('signs a plain secret for Standard Webhooks with its UTF-8 bytes, as whsec_ + base64(secret) would', () => {
    const plain = 'my-plain-webhook-secret';
    const asWhsec = `whsec_${Buffer.from(plain).toString('base64')}`;
    assert.equal(standardWebhooksSignature(plain, 'id1', 1700000000, '{}'), standardWebhooksSignature(asWhsec, 'id1', 1700000000, '{}'));
  });

  it('follows the PVTLNK recipe: hex HMAC-SHA256 of the raw body keyed with the secret as typed', () => {
    const body = '{"id":"abc","event":"link.clicked","data":{"emoji":"é"}}';
    const expected = createHmac('sha256', 'whsec_or_anything').update(body).digest('hex');
    const provided = pvtlnkSignature('whsec_or_anything', body).replace(/^sha256=/, '');
    assert.ok(timingSafeEqual(Buffer.from(expected), Buffer.from(provided)));
  });

  it('omits both signature headers when no secret is set, and keeps id and event headers', () => {
    const headers = deliveryHeaders({ event: 'link.created', deliveryId: 'd-1', body: '{}', secret: null, now: new Date(1_700_000_000_500) });
    assert.equal(headers['x-pvtlnk-signature'], undefined);
    assert.equal(headers['webhook-signature'], undefined);
    assert.equal(headers['x-pvtlnk-delivery'], 'd-1');
    assert.equal(headers['webhook-id'], 'd-1');
    assert.equal(headers['webhook-timestamp'], '1700000000');
    assert.equal(headers['x-pvtlnk-event'], 'link.created');
  });

  it('accepts whsec_ secrets only when they carry base64 of 24 to 64 bytes', () => {
    assert.equal(isValidWhsecSecret('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'), true);
    assert.equal(isValidWhsecSecret('whsec_short'), false);
    assert.equal(isValidWhsecSecret('whsec_not base64 at all!!!!!!!!!!!!!!!!'), false);
    assert.equal(isValidWhsecSecret('plain-secret'), true);
  });
});
