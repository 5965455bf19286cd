import assert from 'node:assert/strict';
import { createAccount } from '../helpers/accounts';
import { request } from '../helpers/http';
import { signUp } from '../helpers/sessions';
import { useStack } from '../helpers/use-stack';

describe('GET /api/v1/account', () => {
  const { stack } = useStack({ env: { SIGNUP: 'open' } });

  it('shows the user, what the plan allows and today\'s requests against the limit, to a session', async () => {
    const browser = await signUp(stack);
    await request(stack.url('/api/v1/links'), { headers: browser.cookie });
    const res = await request(stack.url('/api/v1/account'), { headers: browser.cookie });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.user, { ...browser.user, created_at: res.body.user.created_at });
    assert.deepEqual(res.body.plan, { name: 'free', features: { api: true, scheduling: false, variants: false, conversions: false, bulk_import: false, webhooks: false } });
    assert.deepEqual(res.body.usage, { requests_today: 2, daily_limit: 1000 });
    assert.equal(res.body.scopes.length, 8);
  });

  it('answers any token, whatever its scope, with that token\'s scopes', async () => {
    const account = await createAccount(stack.services, { plan: 'pro', scopes: ['packages:read'] });
    const res = await request(stack.url('/api/v1/account'), { headers: account.auth });
    assert.equal(res.status, 200);
    assert.equal(res.body.plan.features.variants, true);
    assert.deepEqual(res.body.scopes, ['packages:read']);
    assert.equal((await request(stack.url('/api/v1/account'))).status, 401);
  });
});
