import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { ClickEvent } from '../../src/lib/edge-events';
import { ingestClicks } from '../../src/workers/ingest-clicks';
import { createAccount } from '../helpers/accounts';
import { request } from '../helpers/http';
import { useStackWithAccount } from '../helpers/use-stack';
import { settleClicks } from '../helpers/wait';

const BROWSER = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';
const PHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('Conversion postbacks', () => {
  const { stack, account } = useStackWithAccount({ workers: true }, { plan: 'pro' });
  const settle = () => settleClicks(stack);
  // Let each test's clicks land before the next reset truncates their links away under them.
  afterEach(settle);
  let token: string;
  let goalId: number;
  beforeEach(async () => {
    await stack.services.db('users').where({ id: account.user.id }).update({ attribution_window_days: 7 });
    const goal = await request(stack.url('/api/v1/conversion_goals'), { method: 'POST', headers: account.auth, json: { conversion_goal: { name: 'Purchase', default_value: 25, currency: 'USD' } } });
    token = goal.body.conversion_goal.postback_token;
    goalId = goal.body.conversion_goal.id;
  });

  async function createLink(owner = account, fields: Record<string, unknown> = {}): Promise<{ id: number; short_code: string }> {
    const res = await request(stack.url('/api/v1/links'), { method: 'POST', headers: owner.auth, json: { link: { destination_url: 'https://shop.example/landing', ...fields } } });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.link;
  }

  /** Stores a click as the worker would, `agoMs` before now; returns its integer id. */
  async function clickAt(link: { id: number }, agoMs: number, ip: string, userAgent = BROWSER, userId = account.user.id): Promise<number> {
    const event: ClickEvent = { id: randomUUID(), linkId: link.id, userId, variantId: null, at: Date.now() - agoMs, ip, userAgent, referrer: null };
    const [stored] = await ingestClicks(stack.services, { events: [event] });
    assert.ok(stored);
    return stored.id;
  }

  function track(json: unknown = {}, postbackToken = token) {
    return request(stack.url(`/api/conversions/track/${postbackToken}`), { method: 'POST', json });
  }

  describe('attribution', () => {
    it('attributes to the click named by click_id and says how long the visitor took', async () => {
      const link = await createLink();
      const clickId = await clickAt(link, 2.5 * HOUR, '203.0.113.1');
      const res = await track({ value: 99.99, currency: 'USD', order_id: 'ORDER-12345', click_id: clickId, ip: '198.51.100.9', ua: PHONE });
      assert.equal(res.status, 200);
      assert.deepEqual(Object.keys(res.body).sort(), ['attributed', 'conversion_id', 'success', 'time_to_convert', 'value']);
      assert.equal(res.body.success, true);
      assert.equal(res.body.attributed, true);
      assert.equal(res.body.value, 99.99);
      assert.equal(res.body.time_to_convert, '2.5 hours');
      const row = await stack.services.db('conversions').where({ id: res.body.conversion_id }).first();
      assert.equal(row.click_id, clickId);
      assert.equal(row.link_id, link.id);
      assert.equal(row.goal_id, goalId);
      assert.equal(row.user_id, account.user.id);
      assert.equal(row.order_id, 'ORDER-12345');
      assert.equal(row.currency, 'USD');
      assert.equal(row.attributed, true);
    });

    it('attributes through lt_click: an opted-in link carries an edge-minted click id that the postback sends back', async () => {
      const link = await createLink(account, { append_click_id: true });
      const redirect = await fetch(stack.url(`/${link.short_code}`), { redirect: 'manual', headers: { 'user-agent': BROWSER } });
      assert.equal(redirect.status, 302);
      const location = new URL(redirect.headers.get('location') ?? '');
      assert.equal(location.origin + location.pathname, 'https://shop.example/landing');
      const clickId = Number(location.searchParams.get('lt_click'));
      assert.ok(Number.isInteger(clickId) && clickId > 0, `lt_click=${location.searchParams.get('lt_click')}`);
      await settle();
      const stored = await stack.services.db('clicks').where({ id: clickId }).first('link_id');
      assert.equal(stored?.link_id, link.id, 'the worker stored the click under the edge-minted id');

      const res = await track({ click_id: String(clickId), ip: '198.51.100.9' });
      assert.equal(res.body.attributed, true);
      const row = await stack.services.db('conversions').where({ id: res.body.conversion_id }).first();
      assert.equal(row.click_id, clickId);
    });

    it('keeps edge-minted and database-assigned click ids apart', async () => {
      const optedIn = await createLink(account, { append_click_id: true });
      const plain = await createLink();
      const follow = (code: string) => fetch(stack.url(`/${code}`), { redirect: 'manual', headers: { 'user-agent': BROWSER } });
      const plainRedirect = await follow(plain.short_code);
      assert.equal(new URL(plainRedirect.headers.get('location') ?? '').searchParams.has('lt_click'), false, 'links that did not opt in get no parameter');
      await Promise.all(Array.from({ length: 40 }, (_, i) => follow(i % 2 ? optedIn.short_code : plain.short_code)));
      await settle();
      const rows = await stack.services.db('clicks').select('id', 'link_id');
      assert.equal(rows.length, 41);
      assert.equal(new Set(rows.map((r) => r.id)).size, 41);
    });

    it('attributes to the latest click of the same visitor (ip and ua) inside the window', async () => {
      const older = await createLink();
      const newer = await createLink();
      await clickAt(older, 3 * HOUR, '203.0.113.1');
      await clickAt(newer, 45 * 60_000, '203.0.113.1');
      await clickAt(older, 10 * 60_000, '203.0.113.1', PHONE); // same address, another browser
      const res = await track({ order_id: 'A-1', ip: '203.0.113.1', ua: BROWSER });
      assert.equal(res.body.attributed, true);
      assert.equal(res.body.time_to_convert, '45 minutes');
      assert.equal(res.body.value, 25, "the goal's default value");
      const row = await stack.services.db('conversions').where({ id: res.body.conversion_id }).first();
      assert.equal(row.link_id, newer.id);
    });

    it('matches on the ip hash alone when the postback sends no ua', async () => {
      const link = await createLink();
      await clickAt(link, 3 * DAY, '2001:db8::1', PHONE);
      const res = await track({ ip: '2001:DB8:0:0::1' });
      assert.equal(res.body.attributed, true);
      assert.equal(res.body.time_to_convert, '3 days');
    });

    it("falls back to the request's own address when the postback sends no ip", async () => {
      const link = await createLink();
      await fetch(stack.url(`/${link.short_code}`), { redirect: 'manual', headers: { 'user-agent': BROWSER } });
      await settle();
      const res = await track({ ua: BROWSER });
      assert.equal(res.body.attributed, true);
    });

    it("does not attribute outside the owner's attribution window", async () => {
      const link = await createLink();
      await clickAt(link, 8 * DAY, '203.0.113.1');
      const outside = await track({ ip: '203.0.113.1', ua: BROWSER });
      assert.equal(outside.status, 200);
      assert.equal(outside.body.attributed, false);
      assert.equal(outside.body.time_to_convert, null);
      await stack.services.db('users').where({ id: account.user.id }).update({ attribution_window_days: 30 });
      const inside = await track({ ip: '203.0.113.1', ua: BROWSER });
      assert.equal(inside.body.attributed, true);
      assert.equal(inside.body.time_to_convert, '8 days');
    });

    it('records an unattributed conversion when no click matches', async () => {
      const link = await createLink();
      await clickAt(link, HOUR, '203.0.113.1');
      const res = await track({ value: '10.5', ip: '198.51.100.200', ua: BROWSER });
      assert.equal(res.status, 200);
      assert.deepEqual({ ...res.body, conversion_id: 0 }, { success: true, conversion_id: 0, attributed: false, value: 10.5, time_to_convert: null });
      const row = await stack.services.db('conversions').where({ id: res.body.conversion_id }).first();
      assert.equal(row.attributed, false);
      assert.equal(row.link_id, null);
      assert.equal(row.click_id, null);
    });

    it("never attributes to another user's click, by click id or by visitor", async () => {
      const other = await createAccount(stack.services, { plan: 'enterprise' });
      const theirLink = await createLink(other);
      const theirClick = await clickAt(theirLink, HOUR, '203.0.113.1', BROWSER, other.user.id);
      const res = await track({ click_id: theirClick, ip: '203.0.113.1', ua: BROWSER });
      assert.equal(res.status, 200);
      assert.equal(res.body.attributed, false);
    });

    it('does not attribute to clicks flagged as bots', async () => {
      const link = await createLink();
      const crawler = 'Googlebot/2.1 (+http://www.google.com/bot.html)';
      await clickAt(link, HOUR, '203.0.113.1', crawler);
      assert.equal((await track({ ip: '203.0.113.1', ua: crawler })).body.attributed, false);
    });

    it('stores no raw ip or user agent from the postback', async () => {
      const link = await createLink();
      await clickAt(link, HOUR, '203.0.113.77', PHONE);
      const res = await track({ ip: '203.0.113.77', ua: PHONE, order_id: 'P-1' });
      assert.equal(res.body.attributed, true);
      const row = await stack.services.db('conversions').where({ id: res.body.conversion_id }).first();
      const stored = JSON.stringify(row);
      assert.ok(!stored.includes('203.0.113.77') && !stored.includes('iPhone'));
    });
  });

  describe('status codes', () => {
    it('answers 404 for an unknown or malformed token', async () => {
      for (const bad of ['pt_' + 'A'.repeat(32), 'nope', 'x'.repeat(150)]) {
        const res = await track({}, bad);
        assert.equal(res.status, 404, bad);
        assert.deepEqual(res.body, { success: false, error: 'Invalid postback token' });
      }
    });

    it('answers 410 when the goal is inactive', async () => {
      await stack.services.db('conversion_goals').where({ id: goalId }).update({ active: false });
      const res = await track({ order_id: 'X' });
      assert.equal(res.status, 410);
      assert.deepEqual(res.body, { success: false, error: 'Conversion goal is inactive' });
      assert.equal((await stack.services.db('conversions').count({ n: '*' }))[0]?.n, 0);
    });

    it("answers 403 when the goal owner's plan lacks conversion tracking", async () => {
      await stack.services.db('users').where({ id: account.user.id }).update({ plan: 'free' });
      const res = await track({ order_id: 'X' });
      assert.equal(res.status, 403);
      assert.deepEqual(res.body, { success: false, error: 'Feature not available on your plan' });
      assert.equal((await stack.services.db('conversions').count({ n: '*' }))[0]?.n, 0);
    });

    it('answers 409 for an order_id already tracked for the goal, and 200 for the same order_id on another goal', async () => {
      assert.equal((await track({ order_id: 'ORDER-1' })).status, 200);
      const again = await track({ order_id: 'ORDER-1', value: 5 });
      assert.equal(again.status, 409);
      assert.equal(again.body.success, false);
      assert.match(again.body.error, /Duplicate conversion/);
      const second = await request(stack.url('/api/v1/conversion_goals'), { method: 'POST', headers: account.auth, json: { conversion_goal: { name: 'Other' } } });
      assert.equal((await track({ order_id: 'ORDER-1' }, second.body.conversion_goal.postback_token)).status, 200);
      assert.equal((await track({})).status, 200, 'postbacks without an order id are never duplicates');
      assert.equal((await track({})).status, 200);
    });

    it('lets exactly one of 50 simultaneous identical postbacks through', async () => {
      const link = await createLink();
      await clickAt(link, HOUR, '203.0.113.1');
      const body = { value: 99.99, currency: 'USD', order_id: 'ORDER-RACE', ip: '203.0.113.1', ua: BROWSER };
      const results = await Promise.all(Array.from({ length: 50 }, () => track(body)));
      const statuses = results.map((r) => r.status).sort();
      assert.equal(statuses.filter((s) => s === 200).length, 1, statuses.join(','));
      assert.equal(statuses.filter((s) => s === 409).length, 49, statuses.join(','));
      assert.equal((await stack.services.db('conversions').where({ order_id: 'ORDER-RACE' }).count({ n: '*' }))[0]?.n, 1);
    });

    it('answers 422 with readable errors for malformed fields, and records nothing', async () => {
      const cases: Array<[unknown, RegExp]> = [
        [{ value: -1 }, /Value must not be negative/],
        [{ value: 'lots' }, /Value must be a number/],
        [{ value: 1e13 }, /Value is too large/],
        [{ currency: 'US' }, /Currency must be a 3-letter code/],
        [{ currency: 'DOLLARS' }, /Currency must be a 3-letter code/],
        [{ click_id: -5 }, /Click id must be a positive integer/],
        [{ click_id: 1.5 }, /Click id must be a positive integer/],
        [{ click_id: 'abc' }, /Click id must be a positive integer/],
        [{ ip: 'not-an-ip' }, /Ip must be a valid IP address/],
        [{ ip: 42 }, /Ip must be a valid IP address/],
        [{ order_id: { id: 1 } }, /Order id must be a string/],
        [{ order_id: '' }, /Order id can't be blank/],
        [{ order_id: 'o'.repeat(256) }, /Order id is too long/],
        [{ ua: 7 }, /Ua must be a string/],
      ];
      for (const [body, message] of cases) {
        const res = await track(body);
        assert.equal(res.status, 422, JSON.stringify(body));
        assert.equal(res.body.error, 'Validation failed');
        assert.match(res.body.errors.join('\n'), message, JSON.stringify(res.body));
      }
      assert.equal((await stack.services.db('conversions').count({ n: '*' }))[0]?.n, 0);
    });

    it('answers 400 for a body that is not JSON and 415 for a form post', async () => {
      const broken = await request(stack.url(`/api/conversions/track/${token}`), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"value": ' });
      assert.equal(broken.status, 400);
      assert.equal(broken.body.success, false);
      const form = await request(stack.url(`/api/conversions/track/${token}`), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'value=1' });
      assert.equal(form.status, 415);
    });

    it('accepts a postback with no body at all, using the goal defaults', async () => {
      const res = await request(stack.url(`/api/conversions/track/${token}`), { method: 'POST' });
      assert.equal(res.status, 200);
      assert.equal(res.body.value, 25);
      const row = await stack.services.db('conversions').where({ id: res.body.conversion_id }).first();
      assert.equal(row.currency, 'USD');
      const lower = await track({ currency: 'eur', value: 3 });
      assert.equal((await stack.services.db('conversions').where({ id: lower.body.conversion_id }).first()).currency, 'EUR');
    });

    it('answers 413 for an oversized postback and records nothing', async () => {
      const res = await track({ ua: 'x'.repeat(20_000) });
      assert.equal(res.status, 413);
      assert.equal(res.body.success, false);
      assert.equal((await stack.services.db('conversions').count({ n: '*' }))[0]?.n, 0);
    });

    it('is documented in the OpenAPI document as public', async () => {
      const doc = await request(stack.url('/api/v1/openapi.json'));
      const op = doc.body.paths['/api/conversions/track/{token}'].post;
      assert.deepEqual(op.security, []);
      assert.deepEqual(Object.keys(op.responses).sort(), ['200', '400', '403', '404', '409', '410', '413', '415', '422']);
      assert.ok(doc.body.paths['/api/v1/links/{link_id}/variants/{variant_id}'].patch);
      assert.ok(doc.body.paths['/api/v1/conversion_goals/{id}/rotate_token'].post);
    });

    it('needs no API token', async () => {
      const res = await request(stack.url(`/api/conversions/track/${token}`), { method: 'POST', headers: { authorization: 'Bearer nonsense' }, json: {} });
      assert.equal(res.status, 200);
    });
  });
});
