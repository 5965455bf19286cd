import assert from 'node:assert/strict';
import { createAccount } from '../helpers/accounts';
import { request } from '../helpers/http';
import { signUp } from '../helpers/sessions';
import { useStack } from '../helpers/use-stack';

const DAY = 86_400_000;

describe('API tokens: generation limits, listing and revocation trees', () => {
  const { stack } = useStack({ env: { SIGNUP: 'open' } });

  async function generate(headers: Record<string, string>, json: unknown = {}) {
    return request(stack.url('/api/v1/tokens/generate'), { method: 'POST', headers, json });
  }
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  it('gives a generated token exactly the caller\'s scopes by default, never more', async () => {
    const caller = await createAccount(stack.services, { scopes: ['tokens:manage', 'links:read'] });
    const child = await generate(caller.auth);
    assert.equal(child.status, 201);
    assert.deepEqual([...child.body.scopes].sort(), ['links:read', 'tokens:manage']);
    const fewer = await generate(caller.auth, { scopes: ['links:read'] });
    assert.deepEqual(fewer.body.scopes, ['links:read']);
    const more = await generate(caller.auth, { scopes: ['links:read', 'links:write'] });
    assert.equal(more.status, 403);
    assert.match(more.body.error, /links:write/);
    const write = await request(stack.url('/api/v1/links'), { method: 'POST', headers: bearer(child.body.api_token), json: { link: { destination_url: 'https://example.com/' } } });
    assert.equal(write.status, 403);
  });

  it('never lets a generated token outlive its caller, and records the caller as its parent', async () => {
    const caller = await createAccount(stack.services, { days: 10 });
    const res = await generate(caller.auth, { expires_in_days: 3650, name: 'ci' });
    assert.equal(res.status, 201);
    const days = (Date.parse(res.body.expires_at) - Date.now()) / DAY;
    assert.ok(days <= 10 && days > 9.9, `expires in ${days} days`);
    const shorter = await generate(caller.auth, { expires_in_days: 2 });
    assert.ok((Date.parse(shorter.body.expires_at) - Date.now()) / DAY <= 2);
    const parent = await stack.services.db('api_tokens').where({ user_id: caller.user.id }).orderBy('id').first('id');
    assert.equal(res.body.token.parent_id, parent.id);
    assert.equal(res.body.token.name, 'ci');
  });

  it('revokes every token generated from a revoked token, down the whole tree, and nothing else', async () => {
    const root = await createAccount(stack.services);
    const child = await generate(root.auth);
    const grandchild = await generate(bearer(child.body.api_token));
    const sibling = await createAccount(stack.services);
    const revoked = await request(stack.url('/api/v1/tokens/revoke'), { method: 'DELETE', headers: root.auth });
    assert.equal(revoked.status, 200);
    for (const token of [root.token, child.body.api_token, grandchild.body.api_token]) {
      assert.equal((await request(stack.url('/api/v1/links'), { headers: bearer(token) })).status, 401);
    }
    assert.equal((await request(stack.url('/api/v1/links'), { headers: sibling.auth })).status, 200);
  });

  it('revokes a token by id with its descendants, and shows another user\'s token as 404', async () => {
    const owner = await createAccount(stack.services);
    const other = await createAccount(stack.services);
    const child = await generate(owner.auth);
    const grandchild = await generate(bearer(child.body.api_token));
    const foreign = await request(stack.url(`/api/v1/tokens/${child.body.token.id}`), { method: 'DELETE', headers: other.auth });
    assert.equal(foreign.status, 404);
    const res = await request(stack.url(`/api/v1/tokens/${child.body.token.id}`), { method: 'DELETE', headers: owner.auth });
    assert.equal(res.status, 200);
    assert.equal(res.body.revoked, 2);
    assert.equal((await request(stack.url('/api/v1/links'), { headers: bearer(grandchild.body.api_token) })).status, 401);
    assert.equal((await request(stack.url('/api/v1/links'), { headers: owner.auth })).status, 200, 'the parent is untouched');
    const again = await request(stack.url(`/api/v1/tokens/${child.body.token.id}`), { method: 'DELETE', headers: owner.auth });
    assert.equal(again.status, 404);
    const junk = await request(stack.url('/api/v1/tokens/abc'), { method: 'DELETE', headers: owner.auth });
    assert.equal(junk.status, 404);
  });

  it('lists only the caller\'s live tokens with prefix, scopes, last use and expiry, never the secret', async () => {
    const owner = await createAccount(stack.services);
    await createAccount(stack.services);
    const child = await generate(owner.auth, { name: 'deploy' });
    await request(stack.url(`/api/v1/tokens/${child.body.token.id}`), { method: 'DELETE', headers: owner.auth });
    const named = await generate(owner.auth, { name: 'kept', scopes: ['links:read'] });
    const res = await request(stack.url('/api/v1/tokens'), { headers: owner.auth });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.tokens.map((t: { name: string | null }) => t.name), ['kept', null]);
    const [kept, first] = res.body.tokens;
    assert.equal(kept.prefix, named.body.api_token.slice(0, 12));
    assert.deepEqual(kept.scopes, ['links:read']);
    assert.equal(kept.last_used_at, null);
    assert.ok(first.last_used_at, 'the token making requests has a last use');
    assert.ok(!JSON.stringify(res.body).includes(named.body.api_token));
  });

  it('refuses a token name with control characters, or too long, with 422', async () => {
    const caller = await createAccount(stack.services);
    for (const name of ['a\u0000b', 'tab\there', 'x'.repeat(101), '']) {
      const res = await generate(caller.auth, { name });
      assert.equal(res.status, 422, JSON.stringify(name));
    }
  });

  it('lets a browser session generate a token with every scope by default, not tied to the session', async () => {
    const browser = await signUp(stack);
    const res = await generate(browser.unsafe, { name: 'from the dashboard' });
    assert.equal(res.status, 201);
    assert.equal(res.body.scopes.length, 8);
    assert.equal(res.body.token.parent_id, null);
    const days = (Date.parse(res.body.expires_at) - Date.now()) / DAY;
    assert.ok(days > 364.9 && days <= 365);
    const listed = await request(stack.url('/api/v1/tokens'), { headers: browser.cookie });
    assert.equal(listed.body.tokens.length, 1);
    const selfRevoke = await request(stack.url('/api/v1/tokens/revoke'), { method: 'DELETE', headers: browser.unsafe });
    assert.equal(selfRevoke.status, 400, 'a session has no token of its own to revoke');
    await request(stack.url('/api/v1/auth/signout'), { method: 'POST', headers: browser.unsafe });
    assert.equal((await request(stack.url('/api/v1/links'), { headers: bearer(res.body.api_token) })).status, 200, 'the token outlives the sign-in');
  });
});
