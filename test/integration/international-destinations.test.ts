import assert from 'node:assert/strict';
import { up as canonicaliseStoredDestinations } from '../../migrations/20261201220000_canonical_destinations';
import { setJobWaitBound } from '../../src/domain/jobs/wait';
import { request, type JsonResponse } from '../helpers/http';
import { useStackWithAccount } from '../helpers/use-stack';
import { settleClicks } from '../helpers/wait';

const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';

/** The destinations of the issue that took the process down, and the ASCII form each is stored and sent as. */
const INTERNATIONAL: Array<[string, string]> = [
  ['https://例え.jp/', 'https://xn--r8jz45g.jp/'],
  ['https://example.com/日本/ページ', 'https://example.com/%E6%97%A5%E6%9C%AC/%E3%83%9A%E3%83%BC%E3%82%B8'],
  ['https://example.com/ü€?q=ñ', 'https://example.com/%C3%BC%E2%82%AC?q=%C3%B1'],
  ['https://example.com/a#🙂', 'https://example.com/a#%F0%9F%99%82'],
];

const CONTROLS: Array<[string, string]> = [
  ['CR/LF', 'https://example.com/a\r\nSet-Cookie: x=1'],
  ['LF', 'https://example.com/a\nb'],
  ['TAB', 'https://example.com/a\tb'],
  ['NUL', 'https://example.com/\u0000'],
  ['DEL', 'https://example.com/a\u007f'],
  ['C1 (NEL)', 'https://example.com/a\u0085'],
  ['C1 (CSI)', 'https://example.com/a\u009b'],
];

describe('International destinations and control characters', () => {
  const { stack, account } = useStackWithAccount({ workers: true }, { plan: 'enterprise' });
  afterEach(() => settleClicks(stack));

  const createLink = (link: Record<string, unknown>, password?: string) =>
    request(stack.url('/api/v1/links'), { method: 'POST', headers: account.auth, json: { link, ...(password ? { password } : {}) } });
  const follow = (code: string, method = 'GET') => fetch(stack.url(`/${code}`), { method, redirect: 'manual', headers: { 'user-agent': BROWSER } });

  function assertRefused(res: JsonResponse, pattern = /^Destination url can't contain control characters/): void {
    assert.equal(res.status, 422, JSON.stringify(res.body));
    assert.equal(res.body.success, false);
    assert.equal(res.body.error, 'Validation failed');
    assert.ok(res.body.errors.some((e: string) => pattern.test(e)), JSON.stringify(res.body.errors));
  }

  /** The server still answers: a fresh link redirects. */
  async function assertStillServing(): Promise<void> {
    const res = await createLink({ destination_url: 'https://example.com/still-here' });
    assert.equal(res.status, 201);
    const answer = await follow(res.body.link.short_code);
    assert.equal(answer.status, 302);
    assert.equal(answer.headers.get('location'), 'https://example.com/still-here');
  }

  it('stores each destination in canonical form and redirects GET and HEAD with that ASCII Location', async () => {
    for (const [typed, canonical] of INTERNATIONAL) {
      const res = await createLink({ destination_url: typed });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.equal(res.body.link.destination_url, canonical);
      for (const method of ['GET', 'HEAD']) {
        const answer = await follow(res.body.link.short_code, method);
        assert.equal(answer.status, 302, `${method} ${typed}`);
        assert.equal(answer.headers.get('location'), canonical);
      }
    }
    await assertStillServing();
  });

  it('canonicalises a destination changed by PATCH', async () => {
    const created = await createLink({ destination_url: 'https://example.com/' });
    const res = await request(stack.url(`/api/v1/links/${created.body.link.id}`), { method: 'PATCH', headers: account.auth, json: { link: { destination_url: 'https://例え.jp/日本' } } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.link.destination_url, 'https://xn--r8jz45g.jp/%E6%97%A5%E6%9C%AC');
    assert.equal((await follow(created.body.link.short_code)).headers.get('location'), 'https://xn--r8jz45g.jp/%E6%97%A5%E6%9C%AC');
  });

  it('redirects to a variant with an international destination', async () => {
    const link = (await createLink({ destination_url: 'https://example.com/primary' })).body.link;
    const variant = await request(stack.url(`/api/v1/links/${link.id}/variants`), { method: 'POST', headers: account.auth, json: { variant: { name: 'ü', destination_url: 'https://example.com/ü€?q=ñ', weight: 100 } } });
    assert.equal(variant.status, 201, JSON.stringify(variant.body));
    assert.equal(variant.body.variant.destination_url, 'https://example.com/%C3%BC%E2%82%AC?q=%C3%B1');
    const answer = await follow(link.short_code);
    assert.equal(answer.status, 302);
    assert.equal(answer.headers.get('location'), 'https://example.com/%C3%BC%E2%82%AC?q=%C3%B1');
    await assertStillServing();
  });

  it('redirects a password-protected international link after the right password', async () => {
    const link = (await createLink({ destination_url: 'https://example.com/a#🙂' }, 'open sesame')).body.link;
    const res = await fetch(stack.url(`/${link.short_code}`), {
      method: 'POST', redirect: 'manual', headers: { 'user-agent': BROWSER, 'content-type': 'application/x-www-form-urlencoded' }, body: 'password=open+sesame',
    });
    assert.equal(res.status, 302);
    assert.equal(res.headers.get('location'), 'https://example.com/a#%F0%9F%99%82');
    await assertStillServing();
  });

  it('refuses control characters with 422 on create, PATCH and variants', async () => {
    const link = (await createLink({ destination_url: 'https://example.com/' })).body.link;
    for (const [what, destination] of CONTROLS) {
      assertRefused(await createLink({ destination_url: destination }));
      assertRefused(await request(stack.url(`/api/v1/links/${link.id}`), { method: 'PATCH', headers: account.auth, json: { link: { destination_url: destination } } }));
      assertRefused(await request(stack.url(`/api/v1/links/${link.id}/variants`), { method: 'POST', headers: account.auth, json: { variant: { name: what, destination_url: destination } } }));
    }
    const stored = await stack.services.db('links').pluck('destination_url');
    assert.deepEqual(stored, ['https://example.com/']);
    await assertStillServing();
  });

  it('imports rows in canonical form and reports a row with a control character', async () => {
    setJobWaitBound(stack.services, 10_000);
    const importCsv = (csv: string) => request(stack.url('/api/v1/links/bulk_import'), { method: 'POST', headers: account.auth, json: { csv } });
    // A control character in a CSV belongs to its row (lib/schemas.ts `document`), which reports it.
    const rows = ['https://例え.jp/,intl', '"https://example.com/a\rb",cr', '"https://example.com/a\tb",tab', 'https://example.com/a\u0085,c1', 'https://example.com/a\u007f,del'];
    const res = await importCsv(['destination_url,short_code', ...rows].join('\n'));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.summary, { total_rows: 5, created: 1, failed: 4 });
    assert.equal(res.body.links[0].destination_url, 'https://xn--r8jz45g.jp/');
    for (const error of res.body.errors) assert.match(error.error, /Destination url can't contain control characters/);
    assert.equal((await follow('intl')).headers.get('location'), 'https://xn--r8jz45g.jp/');
    // Only NUL, which nothing could store, refuses the whole CSV.
    const refused = await importCsv('destination_url\nhttps://example.com/a\u0000');
    assert.equal(refused.status, 422, JSON.stringify(refused.body));
    assert.equal(refused.body.success, false);
    assert.deepEqual(await stack.services.db('links').pluck('short_code'), ['intl']);
  });

  it('brings destinations stored before the rule to canonical form (the migration), links and variants alike', async () => {
    const db = stack.services.db;
    const [link] = await db('links').insert({ user_id: account.user.id, short_code: 'legacy', destination_url: 'https://例え.jp' }).returning('id');
    const [variant] = await db('link_variants').insert({ link_id: link.id, name: 'old', destination_url: 'https://example.com/日本/ページ', weight: 0 }).returning('id');
    await db('links').insert({ user_id: account.user.id, short_code: 'unreadable', destination_url: 'not a url' });
    await canonicaliseStoredDestinations(db);
    assert.equal((await db('links').where({ id: link.id }).first()).destination_url, 'https://xn--r8jz45g.jp/');
    assert.equal((await db('link_variants').where({ id: variant.id }).first()).destination_url, 'https://example.com/%E6%97%A5%E6%9C%AC/%E3%83%9A%E3%83%BC%E3%82%B8');
    assert.equal((await db('links').where({ short_code: 'unreadable' }).first()).destination_url, 'not a url', 'left for the redirect to refuse');
    assert.equal((await follow('legacy')).headers.get('location'), 'https://xn--r8jz45g.jp/');
    const unreadable = await follow('unreadable');
    assert.equal(unreadable.status, 500);
    assert.match(await unreadable.text(), /Something went wrong/);
    await assertStillServing();
  });
});
