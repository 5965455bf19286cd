import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ClickEvent } from '../../../src/lib/edge-events';
import { createLogger } from '../../../src/logger';
import { ClickBuffer } from '../../../src/proxy/click-buffer';
import { ClickIdBlocks } from '../../../src/proxy/click-ids';
import type { CachedLink } from '../../../src/proxy/link-cache';
import { sendRedirect, type RedirectExtras } from '../../../src/proxy/send-redirect';
import { waitFor } from '../../helpers/wait';

const logger = createLogger('silent');
const link: CachedLink = {
  id: 9, userId: 3, destination: 'https://primary.example/', active: true, archived: false, passwordHash: null,
  startsAt: null, endsAt: null, expires: false, expiresAt: null,
  variants: [{ id: 5, destination: 'https://variant.example/?utm_source=x', weight: 1 }],
  appendClickId: true,
};

describe('sendRedirect', () => {
  let server: Server;
  let base: string;
  let events: ClickEvent[];
  let extras: RedirectExtras;
  let current: CachedLink;

  before(async () => {
    const clicks = new ClickBuffer(async (batch) => {
      events.push(...batch.events);
    }, logger, { maxBatch: 1, flushMs: 1, capacity: 100, maxBytes: 1_000_000, retryMs: 10, sendTimeoutMs: 1000 });
    let next = 500;
    const clickIds = new ClickIdBlocks(async (n) => Array.from({ length: n }, () => next++), logger);
    server = createServer((req, res) => sendRedirect({ clicks, clickIds, trustedHops: 0, logger }, req, res, current, Date.now(), extras));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    events = [];
    extras = {};
    current = link;
  });

  it('sends the variant destination with lt_click, and records the variant and click id on the event', async () => {
    const res = await fetch(`${base}/code9`, { redirect: 'manual', headers: { referer: 'https://news.example/a' } });
    assert.equal(res.status, 302);
    const location = new URL(res.headers.get('location') ?? '');
    assert.equal(location.host, 'variant.example');
    assert.equal(location.searchParams.get('utm_source'), 'x');
    const clickId = Number(location.searchParams.get('lt_click'));
    await waitFor(() => events.length === 1, { what: 'click event' });
    assert.deepEqual({ clickId: events[0]?.clickId, variantId: events[0]?.variantId, referrer: events[0]?.referrer }, { clickId, variantId: 5, referrer: 'https://news.example/a' });
  });

  it("combines a caller's cookie with the variant cookie and records the caller's referrer (the password form's redirect)", async () => {
    extras = { referrer: null, headers: { 'Set-Cookie': 'lt_pw9=ok; Path=/code9', 'X-Extra': '1' } };
    const res = await fetch(`${base}/code9`, { method: 'POST', redirect: 'manual', headers: { referer: 'https://linktally.example/code9' } });
    assert.equal(res.status, 302);
    assert.deepEqual(res.headers.getSetCookie().map((c) => c.split('=')[0]), ['lt_pw9', 'lt_v9']);
    assert.equal(res.headers.get('x-extra'), '1');
    await waitFor(() => events.length === 1, { what: 'click event' });
    assert.equal(events[0]?.referrer, null);
  });

  it('answers HEAD alike without recording a click or spending a click id', async () => {
    const res = await fetch(`${base}/code9`, { method: 'HEAD', redirect: 'manual' });
    assert.equal(res.status, 302);
    assert.equal(new URL(res.headers.get('location') ?? '').searchParams.has('lt_click'), false);
    const after = await fetch(`${base}/code9`, { redirect: 'manual' });
    await waitFor(() => events.length === 1, { what: 'the GET click' });
    assert.equal(events[0]?.clickId, Number(new URL(after.headers.get('location') ?? '').searchParams.get('lt_click')));
  });

  describe('a stored destination that is not header-safe (a row written before canonical destinations, or by hand)', () => {
    const only = (destination: string): CachedLink => ({ ...link, destination, variants: [], appendClickId: false });

    it('redirects to its canonical ASCII form', async () => {
      current = only('https://例え.jp/日本?q=ñ#🙂');
      const res = await fetch(`${base}/code9`, { redirect: 'manual' });
      assert.equal(res.status, 302);
      assert.equal(res.headers.get('location'), 'https://xn--r8jz45g.jp/%E6%97%A5%E6%9C%AC?q=%C3%B1#%F0%9F%99%82');
    });

    it('never puts a line break in the Location header', async () => {
      current = only('https://example.com/a\r\nSet-Cookie: x=1');
      const res = await fetch(`${base}/code9`, { redirect: 'manual' });
      assert.equal(res.status, 302);
      assert.equal(res.headers.get('set-cookie'), null);
      assert.doesNotMatch(res.headers.get('location') ?? '', /[\r\n]/);
    });

    it('never puts a tab or a C1 control character in the Location header', async () => {
      current = only('https://example.com/a\tb\u0085');
      const res = await fetch(`${base}/code9`, { redirect: 'manual' });
      assert.equal(res.status, 302);
      assert.equal(res.headers.get('location'), 'https://example.com/ab%C2%85');
    });

    it('answers the error page without a click when it is no URL at all, and keeps serving', async () => {
      current = only('not a url \u0085');
      const res = await fetch(`${base}/code9`, { redirect: 'manual' });
      assert.equal(res.status, 500);
      assert.match(await res.text(), /Something went wrong/);
      current = link;
      assert.equal((await fetch(`${base}/code9`, { redirect: 'manual' })).status, 302);
      await waitFor(() => events.length === 1, { what: 'the good click' });
      assert.equal(events[0]?.linkId, link.id);
    });
  });
});
