import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createAccount } from '../helpers/accounts';
import { request } from '../helpers/http';
import { useStackWithAccount } from '../helpers/use-stack';

describe('Conversion goals', () => {
  const { stack, account } = useStackWithAccount({}, { plan: 'pro' });

  function createGoal(goal: Record<string, unknown>, owner = account) {
    return request(stack.url('/api/v1/conversion_goals'), { method: 'POST', headers: owner.auth, json: { conversion_goal: goal } });
  }

  function track(token: string, json: unknown = {}) {
    return request(stack.url(`/api/conversions/track/${token}`), { method: 'POST', json });
  }

  it('creates a goal and shows its postback token and URL once, storing only a hash', async () => {
    const res = await createGoal({ name: 'Purchase', default_value: 49.9, currency: 'eur' });
    assert.equal(res.status, 201);
    const goal = res.body.conversion_goal;
    assert.match(goal.postback_token, /^pt_[A-Za-z0-9]{32}$/);
    assert.equal(goal.postback_url, `${stack.baseUrl}/api/conversions/track/${goal.postback_token}`);
    assert.equal(goal.token_prefix, goal.postback_token.slice(0, 10));
    assert.equal(goal.currency, 'EUR');
    assert.equal(goal.default_value, 49.9);
    assert.equal(goal.active, true);
    assert.equal(goal.conversion_count, 0);
    assert.match(res.body.message, /will not be shown again/);

    const row = await stack.services.db('conversion_goals').where({ id: goal.id }).first();
    assert.equal(row.postback_token_hash, createHash('sha256').update(goal.postback_token).digest('hex'));
    assert.ok(!JSON.stringify(row).includes(goal.postback_token), 'the token itself is not stored');

    const shown = await request(stack.url(`/api/v1/conversion_goals/${goal.id}`), { headers: account.auth });
    assert.equal(shown.status, 200);
    assert.equal(shown.body.conversion_goal.postback_token, undefined);
    assert.equal(shown.body.conversion_goal.token_prefix, goal.token_prefix);
    const list = await request(stack.url('/api/v1/conversion_goals'), { headers: account.auth });
    assert.deepEqual(list.body.conversion_goals.map((g: { id: number }) => g.id), [goal.id]);
    assert.ok(!JSON.stringify(list.body).includes(goal.postback_token));
  });

  it('defaults currency to USD, value to none and active to true', async () => {
    const goal = (await createGoal({ name: 'Signup' })).body.conversion_goal;
    assert.equal(goal.currency, 'USD');
    assert.equal(goal.default_value, null);
    assert.equal(goal.active, true);
  });

  it('updates and deletes a goal', async () => {
    const goal = (await createGoal({ name: 'Signup' })).body.conversion_goal;
    const patched = await request(stack.url(`/api/v1/conversion_goals/${goal.id}`), { method: 'PATCH', headers: account.auth, json: { conversion_goal: { active: false, default_value: 5 } } });
    assert.equal(patched.status, 200);
    assert.equal(patched.body.conversion_goal.active, false);
    assert.equal(patched.body.conversion_goal.default_value, 5);
    assert.equal(patched.body.conversion_goal.name, 'Signup');
    const deleted = await request(stack.url(`/api/v1/conversion_goals/${goal.id}`), { method: 'DELETE', headers: account.auth });
    assert.deepEqual(deleted.body, { success: true, message: 'Conversion goal deleted successfully' });
    assert.equal((await request(stack.url(`/api/v1/conversion_goals/${goal.id}`), { headers: account.auth })).status, 404);
    assert.equal((await track(goal.postback_token)).status, 404);
  });

  it('rotates the postback token: the old one stops working, the new one is shown once', async () => {
    const goal = (await createGoal({ name: 'Signup' })).body.conversion_goal;
    const rotated = await request(stack.url(`/api/v1/conversion_goals/${goal.id}/rotate_token`), { method: 'POST', headers: account.auth });
    assert.equal(rotated.status, 200);
    const fresh = rotated.body.conversion_goal.postback_token;
    assert.notEqual(fresh, goal.postback_token);
    assert.equal(rotated.body.conversion_goal.postback_url, `${stack.baseUrl}/api/conversions/track/${fresh}`);
    assert.equal((await track(goal.postback_token)).status, 404);
    assert.equal((await track(fresh)).status, 200);
  });

  it('answers 422 for a bad currency, a negative value or a blank name', async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ name: 'x', currency: 'US' }, /Currency must be a 3-letter code/],
      [{ name: 'x', currency: 'US1' }, /Currency must be a 3-letter code/],
      [{ name: 'x', currency: 840 }, /Currency/],
      [{ name: 'x', default_value: -1 }, /Default value must not be negative/],
      [{ name: 'x', default_value: '10' }, /Default value must be a number/],
      [{ name: 'x', default_value: 1e13 }, /Default value is too large/],
      [{ name: '' }, /Name can't be blank/],
      [{}, /Name can't be blank/],
      [{ name: 'x', active: 'no' }, /Active must be true or false/],
    ];
    for (const [goal, message] of cases) {
      const res = await createGoal(goal);
      assert.equal(res.status, 422, JSON.stringify(goal));
      assert.match(res.body.errors.join('\n'), message, JSON.stringify(res.body));
    }
    const missing = await request(stack.url('/api/v1/conversion_goals'), { method: 'POST', headers: account.auth, json: {} });
    assert.equal(missing.status, 422);
    assert.match(missing.body.errors.join(), /Conversion goal is required/);
    assert.equal((await stack.services.db('conversion_goals').count({ n: '*' }))[0]?.n, 0);
  });

  it('answers 403 on the free plan and without the conversions:manage scope', async () => {
    const free = await createAccount(stack.services, { plan: 'free' });
    const gated = await createGoal({ name: 'x' }, free);
    assert.equal(gated.status, 403);
    assert.deepEqual(gated.body, { success: false, error: 'Feature not available on your plan' });
    const linksOnly = await createAccount(stack.services, { plan: 'enterprise', scopes: ['links:read', 'links:write'] });
    const scoped = await createGoal({ name: 'x' }, linksOnly);
    assert.equal(scoped.status, 403);
    assert.match(scoped.body.error, /conversions:manage/);
  });

  it("answers 404 for another user's goal, for reading, changing, rotating and deleting", async () => {
    const other = await createAccount(stack.services, { plan: 'enterprise' });
    const theirs = (await createGoal({ name: 'Theirs' }, other)).body.conversion_goal;
    const base = `/api/v1/conversion_goals/${theirs.id}`;
    const attempts: Array<[string, string, unknown]> = [
      ['GET', base, undefined],
      ['PATCH', base, { conversion_goal: { active: false } }],
      ['POST', `${base}/rotate_token`, undefined],
      ['DELETE', base, undefined],
    ];
    for (const [method, path, json] of attempts) {
      const res = await request(stack.url(path), { method, headers: account.auth, json });
      assert.equal(res.status, 404, `${method} ${path}`);
      assert.deepEqual(res.body, { success: false, error: 'Conversion goal not found' });
    }
    assert.equal((await request(stack.url('/api/v1/conversion_goals'), { headers: account.auth })).body.conversion_goals.length, 0);
    assert.equal((await track(theirs.postback_token)).status, 200, "their goal and token are untouched");
  });
});
