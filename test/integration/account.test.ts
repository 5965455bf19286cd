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
    assert.deepEqual(res.body.plan.name, 'free');
    assert.deepEqual(res.body.plan.features, { api: true, scheduling: false, variants: false, conversions: false, bulk_import: false, webhooks: false, targeting: false, custom_domains: false });
    // Which plan a gated feature needs, from the one plan table (the dashboard names it).
    assert.deepEqual(res.body.plan.feature_plans.variants, ['pro', 'enterprise']);
    assert.deepEqual(res.body.plan.feature_plans.bulk_import, ['enterprise']);
    assert.deepEqual(res.body.plan.feature_plans.api, ['free', 'pro', 'enterprise']);
    assert.deepEqual(res.body.plan.feature_plans.custom_domains, ['pro', 'enterprise']);
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

  it('documents the session cookie, CSRF and the admin-only routes in the OpenAPI document', async () => {
    const doc = (await request(stack.url('/api/v1/openapi.json'))).body;
    assert.equal(doc.components.securitySchemes.sessionCookie.name, 'lt_session');
    assert.match(doc.components.securitySchemes.sessionCookie.description, /X-CSRF-Token/);
    assert.deepEqual(doc.paths['/api/v1/links'].get.security, [{ bearerAuth: [] }, { sessionCookie: [] }]);
    assert.deepEqual(doc.paths['/api/v1/auth/session'].get.security, [{ sessionCookie: [] }]);
    assert.deepEqual(doc.paths['/api/v1/auth/signin'].post.security, []);
    assert.equal(doc.paths['/api/v1/admin/users/{id}'].patch['x-admin-only'], true);
    for (const path of ['/api/v1/auth/signup', '/api/v1/auth/signout', '/api/v1/auth/password', '/api/v1/auth/options', '/api/v1/account', '/api/v1/tokens', '/api/v1/tokens/{id}', '/api/v1/admin/invites', '/api/v1/admin/invites/{id}', '/api/v1/webhooks/test', '/api/v1/links/{id}/qr']) {
      assert.ok(doc.paths[path], path);
    }
  });
});
