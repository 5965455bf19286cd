import assert from 'node:assert/strict';
import { deliverWebhook, type AttemptContext } from '../../src/workers/deliver-webhook';
import { emitWebhook } from '../../src/domain/webhooks/emit';
import { request } from '../helpers/http';
import { startReceiver, type Receiver } from '../helpers/receiver';
import { useStackWithAccount } from '../helpers/use-stack';

/** With WEBHOOK_ALLOW_PRIVATE=false, as in production. */
describe('Webhook SSRF guard, end to end', () => {
  const { stack, account } = useStackWithAccount({ env: { WEBHOOK_ALLOW_PRIVATE: 'false' } });
  let receiver: Receiver;
  beforeEach(async () => {
    receiver = await startReceiver();
  });
  afterEach(() => receiver.close());

  const lastAttempt: AttemptContext = { attemptsMade: 3, maxAttempts: 4, postpone: () => Promise.reject(new Error('not expected')) };
  const forms = (port: number) => [
    `http://127.0.0.1:${port}/hooks`, `http://localhost:${port}/hooks`, `http://127.1:${port}/hooks`, `http://2130706433:${port}/hooks`,
    `http://[::1]:${port}/hooks`, `http://[::ffff:127.0.0.1]:${port}/hooks`, `http://[::ffff:7f00:1]:${port}/hooks`,
    `http://[::ffff:0:127.0.0.1]:${port}/hooks`, `http://[::ffff:0:7f00:1]:${port}/hooks`, 'http://[::ffff:0:a9fe:a9fe]/', 'http://[3fff::1]/',
    'http://169.254.169.254/latest/meta-data/', 'http://[::ffff:169.254.169.254]/', 'http://10.0.0.1/', 'http://172.16.5.4/', 'http://192.168.0.1/',
    'http://100.64.0.1/', 'http://0.0.0.0/', 'http://224.0.0.1/', 'http://[fd00::1]/', 'http://[fe80::1]/',
  ];

  it('refuses every internal form of a webhook URL when it is saved', async () => {
    for (const url of forms(receiver.port)) {
      const res = await request(stack.url('/api/v1/settings'), { method: 'PATCH', headers: account.auth, json: { webhook_url: url } });
      assert.equal(res.status, 422, url);
      assert.match(res.body.errors[0], /Webhook url (points to|resolves to)/, url);
    }
    assert.equal((await stack.services.db('users').where({ id: account.user.id }).first()).webhook_url, null);
  });

  it('refuses every internal form again when connecting, so a URL that became internal sends nothing', async () => {
    for (const url of forms(receiver.port)) {
      // As if the name resolved to a public address when saved and to an internal one now.
      await stack.services.db('users').where({ id: account.user.id }).update({ webhook_url: url });
      await emitWebhook(stack.services, account.user.id, 'link.created', { link: { id: 1, short_code: 'x', title: null } });
      const delivery = await stack.services.db('webhook_deliveries').orderBy('created_at', 'desc').first();
      assert.equal(await deliverWebhook(stack.services, { deliveryId: delivery.id, series: 1 }, lastAttempt), 'failed', url);
      const attempt = await stack.services.db('webhook_attempts').where({ delivery_id: delivery.id }).first();
      assert.match(attempt.error, /^Refused: /, url);
      assert.equal(attempt.status_code, null);
    }
    assert.equal(receiver.received.length, 0, 'the local receiver was never reached');
  });
});
