import assert from 'node:assert/strict';
import { createAccount, type TestAccount } from '../helpers/accounts';
import { request } from '../helpers/http';
import { useStackWithAccount } from '../helpers/use-stack';

const SECRET = 'super-secret-value-never-shown-1234';

describe('Settings API', () => {
  const { stack, account } = useStackWithAccount();

  const patch = (json: unknown, who: TestAccount = account) => request(stack.url('/api/v1/settings'), { method: 'PATCH', headers: who.auth, json });
  const get = (who: TestAccount = account) => request(stack.url('/api/v1/settings'), { headers: who.auth });

  it('shows the defaults: a 30-day window and no webhook', async () => {
    const res = await get();
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, {
      success: true,
      settings: { attribution_window_days: 30, webhook_url: null, webhook_secret_set: false, webhook_secret_hint: null, webhooks_available: true },
    });
  });

  it('stores the webhook secret encrypted and never returns it, only that it is set and its last characters', async () => {
    const res = await patch({ webhook_url: 'http://127.0.0.1:9/hooks', webhook_secret: SECRET });
    assert.equal(res.status, 200);
    assert.equal(res.body.settings.webhook_url, 'http://127.0.0.1:9/hooks');
    assert.equal(res.body.settings.webhook_secret_set, true);
    assert.equal(res.body.settings.webhook_secret_hint, '…1234');
    const again = await get();
    for (const body of [res.body, again.body]) assert.ok(!JSON.stringify(body).includes(SECRET.slice(0, 12)), 'the secret is not in the response');
    const row = await stack.services.db('users').where({ id: account.user.id }).first();
    assert.ok(!JSON.stringify(row).includes(SECRET), 'the secret is not stored in clear');
    assert.match(row.webhook_secret_encrypted, /^v1\./);
  });

  it('clears the webhook with null or an empty string', async () => {
    await patch({ webhook_url: 'http://127.0.0.1:9/hooks', webhook_secret: SECRET });
    const res = await patch({ webhook_url: '', webhook_secret: null });
    assert.equal(res.status, 200);
    assert.equal(res.body.settings.webhook_url, null);
    assert.equal(res.body.settings.webhook_secret_set, false);
  });

  it('accepts the fields wrapped as {"settings": {...}} too', async () => {
    const res = await patch({ settings: { attribution_window_days: 7 } });
    assert.equal(res.status, 200);
    assert.equal(res.body.settings.attribution_window_days, 7);
  });

  it('lets every plan change the attribution window', async () => {
    const free = await createAccount(stack.services, { plan: 'free' });
    const res = await patch({ attribution_window_days: 90 }, free);
    assert.equal(res.status, 200);
    assert.equal(res.body.settings.attribution_window_days, 90);
    assert.equal(res.body.settings.webhooks_available, false);
  });

  it('answers 403 when a free or pro user sets a webhook URL or secret, but lets them clear one', async () => {
    for (const plan of ['free', 'pro'] as const) {
      const user = await createAccount(stack.services, { plan });
      for (const body of [{ webhook_url: 'https://example.com/hook' }, { webhook_secret: SECRET }]) {
        const res = await patch(body, user);
        assert.equal(res.status, 403, `${plan} ${JSON.stringify(body)}`);
        assert.deepEqual(res.body, { success: false, error: 'Feature not available on your plan' });
      }
      assert.equal((await patch({ webhook_url: null, webhook_secret: null }, user)).status, 200);
    }
  });

  it('answers 422 with readable errors for bad values, writing nothing', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ attribution_window_days: 0 }, /Attribution window days must be a whole number from 1 to 365/],
      [{ attribution_window_days: 366 }, /from 1 to 365/],
      [{ attribution_window_days: 1.5 }, /from 1 to 365/],
      [{ attribution_window_days: '30' }, /from 1 to 365/],
      [{ webhook_url: 'javascript:alert(1)' }, /Webhook url must be a valid http or https URL/],
      [{ webhook_url: 'ftp://example.com/x' }, /http or https/],
      [{ webhook_url: 42 }, /Webhook url/],
      [{ webhook_url: 'https://user:pw@example.com/' }, /credentials/],
      [{ webhook_secret: 'short' }, /too short/],
      [{ webhook_secret: 'x'.repeat(300) }, /too long/],
      [{ webhook_secret: 'has spaces in it' }, /printable ASCII/],
      [{ webhook_secret: 'whsec_tooshort' }, /whsec_/],
      [{ webhook_secret: 12345678 }, /Webhook secret/],
      [{ colour: 'red' }, /colour/],
      [{}, /Nothing to update/],
    ];
    for (const [body, message] of cases) {
      const res = await patch(body);
      assert.equal(res.status, 422, JSON.stringify(body));
      assert.equal(res.body.success, false);
      assert.equal(res.body.error, 'Validation failed');
      assert.match(res.body.errors.join('\n'), message, JSON.stringify(res.body));
    }
    assert.deepEqual((await get()).body.settings.attribution_window_days, 30);
  });

  it('answers 400 for a body that is not JSON and 403 without the settings:manage scope', async () => {
    const bad = await request(stack.url('/api/v1/settings'), { method: 'PATCH', headers: { ...account.auth, 'content-type': 'application/json' }, body: '{"webhook_url":' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.success, false);
    const limited = await createAccount(stack.services, { scopes: ['links:read'] });
    assert.equal((await get(limited)).status, 403);
    assert.equal((await patch({ attribution_window_days: 5 }, limited)).status, 403);
  });
});
