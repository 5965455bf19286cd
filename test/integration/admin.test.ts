import assert from 'node:assert/strict';
import { createAccount } from '../helpers/accounts';
import { request } from '../helpers/http';
import { signUp, uniqueEmail } from '../helpers/sessions';
import { useStack } from '../helpers/use-stack';

describe('Invites and the admin endpoints', () => {
  // The default sign-up mode: invite.
  const { stack } = useStack();

  async function invite(admin: { unsafe: Record<string, string> }, json: unknown = {}) {
    return request(stack.url('/api/v1/admin/invites'), { method: 'POST', headers: admin.unsafe, json });
  }
  const tokenOf = (url: string) => url.split('/invite/')[1] as string;

  it('needs an invite after the first account: one invite signs up one person', async () => {
    const options = await request(stack.url('/api/v1/auth/options'));
    assert.equal(options.body.signup, 'invite');
    const admin = await signUp(stack);
    assert.equal(admin.user.is_admin, true, 'the first account needs no invite and becomes admin');
    const uninvited = await request(stack.url('/api/v1/auth/signup'), { method: 'POST', json: { email: uniqueEmail(), password: 'long enough password' } });
    assert.equal(uninvited.status, 403);
    assert.match(uninvited.body.error, /invite/);

    const created = await invite(admin);
    assert.equal(created.status, 201);
    assert.match(created.body.invite.url, new RegExp(`^${stack.baseUrl}/invite/inv_[A-Za-z0-9]{32}$`));
    const guest = await signUp(stack, { invite: tokenOf(created.body.invite.url) });
    assert.equal(guest.user.is_admin, false);
    const reused = await request(stack.url('/api/v1/auth/signup'), { method: 'POST', json: { email: uniqueEmail(), password: 'long enough password', invite: tokenOf(created.body.invite.url) } });
    assert.equal(reused.status, 403);

    const listed = await request(stack.url('/api/v1/admin/invites'), { headers: admin.cookie });
    assert.equal(listed.body.invites[0].status, 'used');
    assert.equal(listed.body.invites[0].used_by, guest.user.id);
    assert.ok(!JSON.stringify(listed.body).includes(tokenOf(created.body.invite.url)), 'the invite secret is shown once only');
    const stored = await stack.services.db('invites').first('token_hash');
    assert.notEqual(stored.token_hash, tokenOf(created.body.invite.url));
  });

  it('refuses an expired or withdrawn invite', async () => {
    const admin = await signUp(stack);
    const expired = await invite(admin, { expires_in_days: 1 });
    await stack.services.db('invites').where({ id: expired.body.invite.id }).update({ expires_at: new Date(Date.now() - 1000) });
    const withdrawn = await invite(admin);
    const deleted = await request(stack.url(`/api/v1/admin/invites/${withdrawn.body.invite.id}`), { method: 'DELETE', headers: admin.unsafe });
    assert.equal(deleted.status, 200);
    for (const url of [expired.body.invite.url, withdrawn.body.invite.url]) {
      const res = await request(stack.url('/api/v1/auth/signup'), { method: 'POST', json: { email: uniqueEmail(), password: 'long enough password', invite: tokenOf(url) } });
      assert.equal(res.status, 403);
    }
    assert.equal((await invite(admin, { expires_in_days: 0 })).status, 422);
  });

  it('refuses every admin endpoint to a user who is not an admin, by session or by token', async () => {
    const admin = await signUp(stack);
    const created = await invite(admin);
    const member = await signUp(stack, { invite: tokenOf(created.body.invite.url) });
    const token = await createAccount(stack.services);
    const calls: Array<[string, string, unknown?]> = [
      ['GET', '/api/v1/admin/users'],
      ['PATCH', `/api/v1/admin/users/${member.user.id}`, { plan: 'enterprise' }],
      ['POST', '/api/v1/admin/invites', {}],
      ['GET', '/api/v1/admin/invites'],
      ['DELETE', `/api/v1/admin/invites/${created.body.invite.id}`],
    ];
    for (const [method, path, json] of calls) {
      for (const headers of [member.unsafe, token.auth]) {
        const res = await request(stack.url(path), { method, headers, json });
        assert.equal(res.status, 403, `${method} ${path}`);
        assert.match(res.body.error, /administrator/);
      }
      assert.equal((await request(stack.url(path), { method, json })).status, 401, `${method} ${path} signed out`);
    }
    const plan = await stack.services.db('users').where({ id: member.user.id }).first('plan');
    assert.equal(plan.plan, 'free');
  });

  it('lists users with plans and usage, and changes a plan firing subscription.updated as the CLI does', async () => {
    const admin = await signUp(stack);
    const customer = await createAccount(stack.services, { plan: 'enterprise' });
    await request(stack.url('/api/v1/links'), { method: 'POST', headers: customer.auth, json: { link: { destination_url: 'https://example.com/' } } });
    await stack.services.db('links').where({ user_id: customer.user.id }).update({ click_count: 7 });
    await stack.services.db('users').where({ id: customer.user.id }).update({ webhook_url: 'http://127.0.0.1:9/hook' });

    const list = await request(stack.url('/api/v1/admin/users'), { headers: admin.cookie });
    assert.equal(list.status, 200);
    const row = list.body.users.find((u: { id: number }) => u.id === customer.user.id);
    assert.deepEqual(
      { plan: row.plan, links: row.links, clicks: row.clicks, packages: row.packages, requests_today: row.requests_today, is_admin: row.is_admin },
      { plan: 'enterprise', links: 1, clicks: 7, packages: 0, requests_today: 1, is_admin: false },
    );

    const changed = await request(stack.url(`/api/v1/admin/users/${customer.user.id}`), { method: 'PATCH', headers: admin.unsafe, json: { plan: 'pro' } });
    assert.equal(changed.status, 200);
    assert.equal(changed.body.user.plan, 'pro');
    const delivery = await stack.services.db('webhook_deliveries').where({ user_id: customer.user.id, event: 'subscription.updated' }).first('body');
    assert.deepEqual(JSON.parse(delivery.body).data.subscription.previous_plan, 'enterprise');

    assert.equal((await request(stack.url('/api/v1/admin/users/999999'), { method: 'PATCH', headers: admin.unsafe, json: { plan: 'pro' } })).status, 404);
    assert.equal((await request(stack.url(`/api/v1/admin/users/${customer.user.id}`), { method: 'PATCH', headers: admin.unsafe, json: { plan: 'gold' } })).status, 422);
  });

  it('with SIGNUP=closed refuses every browser sign-up and every new invite', async () => {
    const admin = await signUp(stack);
    stack.services.config.signup = 'closed';
    try {
      const res = await request(stack.url('/api/v1/auth/signup'), { method: 'POST', json: { email: uniqueEmail(), password: 'long enough password' } });
      assert.equal(res.status, 403);
      assert.match(res.body.error, /closed/);
      assert.equal((await invite(admin)).status, 409);
    } finally {
      stack.services.config.signup = 'invite';
    }
  });
});
