import assert from 'node:assert/strict';
import { request } from '../helpers/http';
import { useStackWithAccount } from '../helpers/use-stack';
import { waitFor } from '../helpers/wait';

const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';

describe('Redirect rules', () => {
  // A long cache freshness: anything that shows within seconds below did so through invalidation.
  const { stack, account } = useStackWithAccount({ workers: true, web: { linkCacheTtlMs: 60_000 } }, { plan: 'enterprise' });

  async function created(link: Record<string, unknown> = {}, password?: string): Promise<{ id: number; short_code: string }> {
    const res = await request(stack.url('/api/v1/links'), { method: 'POST', headers: account.auth, json: { link: { destination_url: 'https://example.com/landing', ...link }, password } });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.link;
  }
  function visit(code: string, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(stack.url(`/${code}`), { redirect: 'manual', headers: { 'user-agent': BROWSER, ...headers } });
  }
  async function statusOf(code: string): Promise<number> {
    return (await visit(code)).status;
  }

  it('redirects with 302, private caching and the UTM parameters merged into the destination', async () => {
    const link = await created({ destination_url: 'https://example.com/p?x=1&utm_source=owner', utm_params: { utm_source: 'newsletter', utm_medium: 'email' } });
    const res = await visit(link.short_code);
    assert.equal(res.status, 302);
    assert.equal(res.headers.get('cache-control'), 'private, max-age=0');
    const location = new URL(res.headers.get('location') ?? '');
    assert.equal(location.searchParams.get('x'), '1');
    assert.equal(location.searchParams.get('utm_source'), 'owner');
    assert.equal(location.searchParams.get('utm_medium'), 'email');
  });

  it('answers a small HTML 404 page for unknown, inactive, not yet started and ended links', async () => {
    const inactive = await created({ active: false });
    const future = await created({ scheduled_start_at: new Date(Date.now() + 3_600_000).toISOString() });
    const ended = await created({ scheduled_start_at: '2020-01-01T00:00:00Z', scheduled_end_at: '2020-02-01T00:00:00Z' });
    const running = await created({ scheduled_start_at: '2020-01-01T00:00:00Z', scheduled_end_at: '2099-01-01T00:00:00Z' });
    for (const code of ['no-such-code', inactive.short_code, future.short_code, ended.short_code]) {
      const res = await visit(code);
      assert.equal(res.status, 404, code);
      assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
      assert.equal(res.headers.get('cache-control'), 'no-store');
      assert.match(await res.text(), /Link not found/);
    }
    assert.equal(await statusOf(running.short_code), 302);
  });

  it('answers 410 for an expired link, and for expires: true without a date', async () => {
    const expired = await created({ expires: true, expires_at: '2020-01-01T00:00:00Z' });
    const switchedOff = await created({ expires: true });
    const later = await created({ expires_at: '2099-01-01T00:00:00Z' });
    for (const code of [expired.short_code, switchedOff.short_code]) {
      const res = await visit(code);
      assert.equal(res.status, 410, code);
      assert.match(await res.text(), /Link expired/);
    }
    assert.equal(await statusOf(later.short_code), 302);
  });

  it('stops redirecting as soon as a link is archived, deactivated or rescheduled, and follows a new destination', async () => {
    const link = await created();
    assert.equal(await statusOf(link.short_code), 302);
    await request(stack.url(`/api/v1/links/${link.id}`), { method: 'PATCH', headers: account.auth, json: { link: { destination_url: 'https://example.com/new' } } });
    await waitFor(async () => (await visit(link.short_code)).headers.get('location') === 'https://example.com/new', { timeoutMs: 2000, what: 'new destination' });
    await request(stack.url(`/api/v1/links/${link.id}`), { method: 'PATCH', headers: account.auth, json: { link: { active: false } } });
    await waitFor(async () => (await statusOf(link.short_code)) === 404, { timeoutMs: 2000, what: 'deactivated' });
    await request(stack.url(`/api/v1/links/${link.id}`), { method: 'PATCH', headers: account.auth, json: { link: { active: true, scheduled_end_at: '2020-01-01T00:00:00Z' } } });
    await waitFor(async () => (await statusOf(link.short_code)) === 404, { timeoutMs: 2000, what: 'ended' });
    await request(stack.url(`/api/v1/links/${link.id}`), { method: 'PATCH', headers: account.auth, json: { link: { scheduled_end_at: null } } });
    await waitFor(async () => (await statusOf(link.short_code)) === 302, { timeoutMs: 2000, what: 'live again' });
    await request(stack.url(`/api/v1/links/${link.id}`), { method: 'DELETE', headers: account.auth });
    await waitFor(async () => (await statusOf(link.short_code)) === 404, { timeoutMs: 2000, what: 'archived' });
  });

  it('serves a code at once after it is created, even if it was looked up (and cached as unknown) before', async () => {
    assert.equal(await statusOf('fresh-code'), 404);
    await created({ short_code: 'fresh-code' });
    await waitFor(async () => (await statusOf('fresh-code')) === 302, { timeoutMs: 2000, what: 'new code served' });
  });

  it('moves a renamed link to its new code and frees the old one', async () => {
    const link = await created({ short_code: 'before' });
    assert.equal(await statusOf('before'), 302);
    assert.equal(await statusOf('after'), 404);
    await request(stack.url(`/api/v1/links/${link.id}`), { method: 'PATCH', headers: account.auth, json: { link: { short_code: 'after' } } });
    await waitFor(async () => (await statusOf('before')) === 404 && (await statusOf('after')) === 302, { timeoutMs: 2000, what: 'rename' });
  });

  it('counts a redirect as a click but not a HEAD request', async () => {
    const link = await created();
    assert.equal((await fetch(stack.url(`/${link.short_code}`), { method: 'HEAD', redirect: 'manual' })).status, 302);
    assert.equal(await statusOf(link.short_code), 302);
    await waitFor(async () => Number((await stack.services.db('clicks').count({ n: '*' }))[0]?.n) === 1, { what: 'one click' });
    assert.equal(stack.web.clicks.pending, 0);
  });
});
