import assert from 'node:assert/strict';
import { createAccount, type TestAccount } from '../helpers/accounts';
import { addDomain } from '../helpers/domains';
import { request, visit } from '../helpers/http';
import { startStack, type Stack } from '../helpers/stack';
import { waitFor } from '../helpers/wait';

describe('Link cache across web processes', () => {
  // Two web processes on one database and Redis. The second caches links for a minute, so a
  // change that shows there within a second arrived by invalidation, not by expiry.
  let editor: Stack;
  let other: Stack;
  let account: TestAccount;
  before(async () => {
    editor = await startStack({ workers: { queues: ['imports'] } });
    other = await startStack({ web: { linkCacheTtlMs: 60_000 } });
  });
  after(async () => {
    await other.stop();
    await editor.stop();
  });
  beforeEach(async () => {
    await editor.reset();
    other.web.linkCache.clear();
    account = await createAccount(editor.services);
  });

  async function locationOn(stack: Stack, code: string): Promise<string | number> {
    const res = await fetch(stack.url(`/${code}`), { redirect: 'manual' });
    return res.status === 302 ? (res.headers.get('location') as string) : res.status;
  }
  function change(id: number, method: 'PATCH' | 'DELETE', json?: unknown) {
    return request(editor.url(`/api/v1/links/${id}`), { method, headers: account.auth, json });
  }

  it('serves the new destination on the other process within a second of an update', async () => {
    const res = await request(editor.url('/api/v1/links'), { method: 'POST', headers: account.auth, json: { link: { destination_url: 'https://example.com/old' } } });
    const { id, short_code: code } = res.body.link;
    assert.equal(await locationOn(other, code), 'https://example.com/old');
    assert.equal(other.web.linkCache.peek(code)?.destination, 'https://example.com/old', 'now cached there');

    assert.equal((await change(id, 'PATCH', { link: { destination_url: 'https://example.com/new' } })).status, 200);
    await waitFor(async () => (await locationOn(other, code)) === 'https://example.com/new', { timeoutMs: 1000, intervalMs: 10, what: 'new destination on the other process' });
  });

  it('stops serving an archived link on the other process within a second', async () => {
    const res = await request(editor.url('/api/v1/links'), { method: 'POST', headers: account.auth, json: { link: { destination_url: 'https://example.com/' } } });
    const { id, short_code: code } = res.body.link;
    assert.equal(await locationOn(other, code), 'https://example.com/');
    assert.equal((await change(id, 'DELETE')).status, 200);
    await waitFor(async () => (await locationOn(other, code)) === 404, { timeoutMs: 1000, intervalMs: 10, what: 'archived on the other process' });
  });

  it('serves a newly created code on the other process even after it cached the code as unknown', async () => {
    assert.equal(await locationOn(other, 'brand-new'), 404);
    await request(editor.url('/api/v1/links'), { method: 'POST', headers: account.auth, json: { link: { destination_url: 'https://example.com/b', short_code: 'brand-new' } } });
    await waitFor(async () => (await locationOn(other, 'brand-new')) === 'https://example.com/b', { timeoutMs: 1000, intervalMs: 10, what: 'new code on the other process' });
  });

  it('serves codes a bulk import created on a custom domain on the other process even after it cached them as unknown', async () => {
    await addDomain(editor.services, account.user.id, 'go.example.com', 'active');
    const onGo = async () => {
      const res = await visit(other.web.port, 'go.example.com', '/imported');
      return res.status === 302 ? res.location : res.status;
    };
    assert.equal(await onGo(), 404);
    const imported = await request(editor.url('/api/v1/links/bulk_import'), {
      method: 'POST', headers: account.auth, json: { csv: 'destination_url,short_code,domain\nhttps://example.com/imported,imported,go.example.com' },
    });
    assert.equal(imported.status, 200, JSON.stringify(imported.body));
    assert.equal(imported.body.created, 1);
    await waitFor(async () => (await onGo()) === 'https://example.com/imported', { timeoutMs: 1000, intervalMs: 10, what: 'imported code on the other process' });
  });
});
