import assert from 'node:assert/strict';
import http from 'node:http';
import { createAccount } from '../helpers/accounts';
import { request } from '../helpers/http';
import { useStack } from '../helpers/use-stack';

describe('API authentication and scopes', () => {
  const { stack } = useStack();

  const linkBody = { link: { destination_url: 'https://example.com' } };

  it('answers 401 in the PVTLNK envelope when the token is missing', async () => {
    const res = await request(stack.url('/api/v1/links/1'));
    assert.equal(res.status, 401);
    assert.equal(res.body.success, false);
    assert.match(res.body.error, /token/i);
  });

  it('answers 401, not 400, to bad JSON sent without a token or with a wrong one', async () => {
    for (const headers of [{}, { authorization: `Bearer pk_live_${'b'.repeat(32)}` }] as Array<Record<string, string>>) {
      const res = await request(stack.url('/api/v1/links'), { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{not json' });
      assert.equal(res.status, 401);
      assert.equal(res.body.success, false);
    }
  });

  it('answers 401 to an unauthenticated 16 MB upload before the body has been sent', async () => {
    const { status, connection } = await new Promise<{ status: number; connection?: string }>((resolve, reject) => {
      const req = http.request(stack.url('/api/v1/links'), { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(16 * 1024 * 1024) } });
      req.on('response', (res) => {
        resolve({ status: res.statusCode ?? 0, connection: res.headers.connection });
        res.resume();
        req.destroy();
      });
      req.on('error', reject);
      // Only the first kilobyte is ever sent: the answer cannot be waiting on the rest.
      req.write(`{"link": {"title": "${'x'.repeat(1000)}`);
    });
    assert.equal(status, 401);
    assert.equal(connection, 'close', 'nor is the rest of the body drained: the connection closes');
  });

  it('answers 401 for a malformed token and for an unknown well-formed token', async () => {
    for (const token of ['nonsense', 'pk_live_short', `pk_live_${'a'.repeat(32)}`]) {
      const res = await request(stack.url('/api/v1/links/1'), { headers: { authorization: `Bearer ${token}` } });
      assert.equal(res.status, 401, token);
      assert.deepEqual(Object.keys(res.body).sort(), ['error', 'success']);
    }
  });

  it('answers 401 for an expired token', async () => {
    const account = await createAccount(stack.services);
    await stack.services.db('api_tokens').update({ expires_at: new Date(Date.now() - 1000) });
    const res = await request(stack.url('/api/v1/links/1'), { headers: account.auth });
    assert.equal(res.status, 401);
  });

  it('revokes the calling token with DELETE /api/v1/tokens/revoke, after which it is refused', async () => {
    const account = await createAccount(stack.services);
    const revoked = await request(stack.url('/api/v1/tokens/revoke'), { method: 'DELETE', headers: account.auth });
    assert.equal(revoked.status, 200);
    assert.deepEqual(revoked.body, { success: true, message: 'API token revoked successfully' });
    const after = await request(stack.url('/api/v1/links/1'), { headers: account.auth });
    assert.equal(after.status, 401);
  });

  it('generates a token with every scope by default, valid for 365 days, stored only as a hash', async () => {
    const account = await createAccount(stack.services);
    const res = await request(stack.url('/api/v1/tokens/generate'), { method: 'POST', headers: account.auth });
    assert.equal(res.status, 201);
    assert.match(res.body.api_token, /^pk_live_[A-Za-z0-9]{32}$/);
    assert.equal(res.body.success, true);
    assert.match(res.body.message, /will not be shown again/);
    const days = (Date.parse(res.body.expires_at) - Date.now()) / 86_400_000;
    assert.ok(days > 364.9 && days <= 365, `expires in ${days} days`);
    assert.equal(res.body.scopes.length, 8);
    const stored = await stack.services.db('api_tokens').select('token_hash', 'display_prefix');
    for (const row of stored) {
      assert.notEqual(row.token_hash, res.body.api_token);
      assert.ok(!JSON.stringify(row).includes(res.body.api_token.slice(12)), 'no part of the secret beyond the prefix is stored');
    }
    const usable = await request(stack.url('/api/v1/links'), { method: 'POST', json: linkBody, headers: { authorization: `Bearer ${res.body.api_token}` } });
    assert.equal(usable.status, 201);
  });

  it('generates a token limited to the scopes named in the body', async () => {
    const account = await createAccount(stack.services);
    const res = await request(stack.url('/api/v1/tokens/generate'), { method: 'POST', headers: account.auth, json: { scopes: ['links:read'] } });
    assert.equal(res.status, 201);
    const write = await request(stack.url('/api/v1/links'), { method: 'POST', json: linkBody, headers: { authorization: `Bearer ${res.body.api_token}` } });
    assert.equal(write.status, 403);
  });

  it('refuses an unknown scope with 422 and the validation errors', async () => {
    const account = await createAccount(stack.services);
    const res = await request(stack.url('/api/v1/tokens/generate'), { method: 'POST', headers: account.auth, json: { scopes: ['root'] } });
    assert.equal(res.status, 422);
    assert.equal(res.body.error, 'Validation failed');
    assert.ok(Array.isArray(res.body.errors) && res.body.errors.length === 1);
  });

  it('answers 403 when the token lacks the route scope', async () => {
    const account = await createAccount(stack.services, { scopes: ['links:read'] });
    const res = await request(stack.url('/api/v1/links'), { method: 'POST', json: linkBody, headers: account.auth });
    assert.equal(res.status, 403);
    assert.equal(res.body.success, false);
    assert.match(res.body.error, /links:write/);
  });

  it('shows another user\'s link as 404, never 403', async () => {
    const owner = await createAccount(stack.services);
    const other = await createAccount(stack.services);
    const created = await request(stack.url('/api/v1/links'), { method: 'POST', json: linkBody, headers: owner.auth });
    const res = await request(stack.url(`/api/v1/links/${created.body.link.id}`), { headers: other.auth });
    assert.equal(res.status, 404);
  });
});
