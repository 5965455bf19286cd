import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { ClickEvent } from '../../src/lib/edge-events';
import { DEFAULT_JOB_WAIT_MS, setJobWaitBound } from '../../src/domain/jobs/wait';
import { ingestClicks } from '../../src/workers/ingest-clicks';
import { waitForCompletedJob } from '../helpers/jobs';
import { createAccount } from '../helpers/accounts';
import { insertInstallEvents, insertPackage, install } from '../helpers/install-fixtures';
import { request } from '../helpers/http';
import { useStackWithAccount } from '../helpers/use-stack';
import { drainQueues, waitFor } from '../helpers/wait';

const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';
const MAC_CHROME = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';
const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';
const GB = '81.2.69.160';
const US = '8.8.8.8';
const DAY_MS = 86_400_000;

function day(offset: number): string {
  return new Date(Date.now() + offset * DAY_MS).toISOString().slice(0, 10);
}

describe('The dashboard API: range analytics, live events, link search and the serving room', () => {
  const { stack, account } = useStackWithAccount({ workers: true });

  async function createLink(fields: Record<string, unknown>): Promise<{ id: number; short_code: string }> {
    const res = await request(stack.url('/api/v1/links'), { method: 'POST', headers: account.auth, json: { link: { destination_url: 'https://example.com/x', ...fields } } });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.link;
  }

  function event(linkId: number, at: number, ip: string, ua: string): ClickEvent {
    return { id: randomUUID(), linkId, userId: account.user.id, variantId: null, at, ip, userAgent: ua, referrer: null };
  }

  /** Stores clicks as the worker does and waits for every rollup they asked for. */
  async function store(events: ClickEvent[]): Promise<void> {
    await ingestClicks(stack.services, { events });
    await drainQueues(stack.services);
    await waitFor(async () => Number((await stack.services.db('click_rollup_pending').count({ n: '*' }))[0]?.n) === 0, { what: 'rollups' });
  }

  const range = (query: string) => request(stack.url(`/api/v1/analytics/range?${query}`), { headers: account.auth });

  describe('GET /api/v1/analytics/range', () => {
    it('counts clicks per day against the previous period, with breakdowns, heatmap and top links', async () => {
      const a = await createLink({ short_code: 'range-a' });
      const b = await createLink({ short_code: 'range-b' });
      const now = Date.now();
      await store([
        event(a.id, now, GB, IPHONE), event(a.id, now, US, MAC_CHROME), event(b.id, now - DAY_MS, US, MAC_CHROME),
        event(a.id, now - 8 * DAY_MS, GB, IPHONE), // in the previous 7 days
      ]);
      const res = await range(`from=${day(-6)}&to=${day(0)}`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(res.body.totals, { clicks: 3, unique_visitors: 2, conversions: 0, installs: 0, bot_clicks: 0 });
      assert.equal(res.body.previous_totals.clicks, 1);
      assert.equal(res.body.range.granularity, 'day');
      assert.equal(res.body.range.previous_from, day(-13));
      assert.equal(res.body.series.length, 7);
      assert.deepEqual(res.body.series.at(-1), { bucket: day(0), clicks: 2, previous_clicks: 0, conversions: 0 });
      assert.equal(res.body.series.at(-2).previous_clicks, 1, 'the previous period lines up bucket for bucket');
      assert.deepEqual(res.body.breakdowns.country, [{ key: 'US', clicks: 2 }, { key: 'GB', clicks: 1 }]);
      assert.deepEqual(res.body.top_links.map((l: { short_code: string }) => l.short_code), ['range-a', 'range-b']);
      assert.equal(res.body.heatmap.flat().reduce((x: number, y: number) => x + y, 0), 3);
    });

    it('narrows every figure to one link, or to one breakdown value read from the raw clicks', async () => {
      const a = await createLink({ short_code: 'narrow-a' });
      const b = await createLink({ short_code: 'narrow-b' });
      const now = Date.now();
      await store([event(a.id, now, GB, IPHONE), event(a.id, now, US, MAC_CHROME), event(b.id, now, US, MAC_CHROME)]);
      const link = await range(`from=${day(-1)}&to=${day(0)}&link_id=${a.id}`);
      assert.equal(link.body.totals.clicks, 2);
      assert.equal(link.body.range.granularity, 'hour', 'two days are drawn by the hour');
      assert.equal(link.body.series.length, 48);
      const country = await range(`from=${day(-1)}&to=${day(0)}&country=US`);
      assert.equal(country.body.totals.clicks, 2);
      assert.deepEqual(country.body.breakdowns.country, [{ key: 'US', clicks: 2 }]);
      const both = await range(`from=${day(-1)}&to=${day(0)}&country=US&link_id=${b.id}`);
      assert.equal(both.body.totals.clicks, 1);
      assert.deepEqual(both.body.top_links.map((l: { short_code: string }) => l.short_code), ['narrow-b']);
    });

    it('answers last=24h with the rolling 24 hours by the hour, and the 24 before them beside it', async () => {
      const a = await createLink({ short_code: 'rolling-a' });
      const now = Date.now();
      const HOUR_MS = 3_600_000;
      const end = Math.floor(now / HOUR_MS) * HOUR_MS + HOUR_MS; // the window ends with the current hour
      const start = end - DAY_MS;
      const MINUTE = 60_000;
      await store([
        event(a.id, now, GB, IPHONE),
        event(a.id, start + MINUTE, US, MAC_CHROME), // 23-odd hours ago: the first hourly bucket
        event(a.id, start - MINUTE, US, MAC_CHROME), // just over 24 hours ago: the previous period, though maybe still yesterday
        event(a.id, start - DAY_MS + MINUTE, GB, IPHONE),
        event(a.id, start - DAY_MS - MINUTE, GB, IPHONE), // before both
      ]);
      const pkg = await insertPackage(stack.services, account.user.id);
      await insertInstallEvents(stack.services, pkg.id, [
        ...install(new Date(now - MINUTE)),
        ...install(new Date(start - 10 * MINUTE)), // the previous 24 hours
        { at: new Date(now - 2 * MINUTE), type: 'clone_start' }, // no pack delivered: not an install
      ]);
      const res = await range('last=24h');
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.range.granularity, 'hour');
      assert.equal(res.body.range.start, new Date(start).toISOString());
      assert.equal(res.body.range.end, new Date(end).toISOString());
      assert.equal(res.body.range.previous_start, new Date(start - DAY_MS).toISOString());
      assert.equal(res.body.series.length, 24);
      assert.equal(res.body.series[0].bucket, new Date(start).toISOString().slice(0, 13));
      // The click just over 24 hours ago sits in the previous period's last hour, beside this one.
      assert.deepEqual(res.body.series.at(-1), { bucket: new Date(now).toISOString().slice(0, 13), clicks: 1, previous_clicks: 1, conversions: 0 });
      assert.deepEqual([res.body.series[0].clicks, res.body.series[0].previous_clicks], [1, 1]);
      assert.deepEqual(res.body.totals, { clicks: 2, unique_visitors: 2, conversions: 0, installs: 1, bot_clicks: 0 });
      assert.deepEqual([res.body.previous_totals.clicks, res.body.previous_totals.installs], [2, 1]);
      assert.deepEqual(res.body.top_links, [{ id: a.id, short_code: 'rolling-a', title: null, clicks: 2 }]);
      const oneLink = await range(`last=24h&link_id=${a.id}&country=US`);
      assert.equal(oneLink.body.totals.clicks, 1);
    });

    it("narrows clicks to a collection's links and installs to its packages, and counts the bots it left out", async () => {
      const collection = await request(stack.url('/api/v1/collections'), { method: 'POST', headers: account.auth, json: { name: 'Launch' } });
      assert.equal(collection.status, 201, JSON.stringify(collection.body));
      const inside = await createLink({ short_code: 'in-launch', collection_id: collection.body.id });
      const outside = await createLink({ short_code: 'not-in-launch' });
      const now = Date.now();
      await store([
        event(inside.id, now, GB, IPHONE), event(inside.id, now, US, MAC_CHROME), event(inside.id, now, US, GOOGLEBOT),
        event(inside.id, now - 8 * DAY_MS, GB, IPHONE), event(inside.id, now - 8 * DAY_MS, GB, GOOGLEBOT), // the previous 7 days
        event(outside.id, now, US, MAC_CHROME), event(outside.id, now, US, GOOGLEBOT),
      ]);
      const member = await insertPackage(stack.services, account.user.id, { slug: 'launch-tool' });
      const other = await insertPackage(stack.services, account.user.id, { slug: 'other-tool' });
      const added = await request(stack.url(`/api/v1/collections/${collection.body.slug}/packages`), { method: 'POST', headers: account.auth, json: { packageId: 'launch-tool' } });
      assert.ok(added.status < 300, JSON.stringify(added.body));
      await insertInstallEvents(stack.services, member.id, install(new Date(now - 60_000)));
      await insertInstallEvents(stack.services, other.id, [...install(new Date(now - 60_000)), ...install(new Date(now - 120_000))]);

      const res = await range(`from=${day(-6)}&to=${day(0)}&collection_id=${collection.body.id}&compare=previous`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual([res.body.totals.clicks, res.body.totals.unique_visitors, res.body.totals.bot_clicks], [2, 2, 1]);
      assert.deepEqual([res.body.previous_totals.clicks, res.body.previous_totals.bot_clicks], [1, 1]);
      assert.deepEqual(res.body.top_links.map((l: { short_code: string }) => l.short_code), ['in-launch']);
      assert.deepEqual(res.body.breakdowns.country, [{ key: 'GB', clicks: 1 }, { key: 'US', clicks: 1 }]);
      const narrowed = await range(`from=${day(-6)}&to=${day(0)}&collection_id=${collection.body.id}&country=US`);
      assert.deepEqual([narrowed.body.totals.clicks, narrowed.body.totals.bot_clicks], [1, 1], 'bots narrowed by the same value');
      const everything = await range(`from=${day(-6)}&to=${day(0)}`);
      assert.deepEqual([everything.body.totals.clicks, everything.body.totals.bot_clicks], [3, 2]);
      // Installs are read from the events for a rolling 24 hours: only the collection's package.
      const installs = await range(`last=24h&collection_id=${collection.body.id}`);
      assert.deepEqual([installs.body.totals.installs, installs.body.totals.clicks], [1, 2]);
      assert.equal((await range('last=24h')).body.totals.installs, 3);
      // Another account's collection id narrows to nothing.
      const stranger = await createAccount(stack.services);
      const theirs = await request(stack.url(`/api/v1/analytics/range?from=${day(-6)}&to=${day(0)}&collection_id=${collection.body.id}`), { headers: stranger.auth });
      assert.deepEqual([theirs.body.totals.clicks, theirs.body.totals.bot_clicks, theirs.body.top_links.length], [0, 0, 0]);
    });

    it("never shows another account's clicks", async () => {
      const other = await createAccount(stack.services);
      const a = await createLink({ short_code: 'mine-only' });
      await store([event(a.id, Date.now(), GB, IPHONE)]);
      const res = await request(stack.url(`/api/v1/analytics/range?from=${day(-1)}&to=${day(0)}&link_id=${a.id}`), { headers: other.auth });
      assert.equal(res.body.totals.clicks, 0);
      assert.deepEqual(res.body.top_links, []);
    });

    for (const [query, message] of [
      ['from=2026-13-01&to=2026-12-31', /From must be a real date/],
      ['from=yesterday&to=2026-12-31', /From must be a date YYYY-MM-DD/],
      ['from=2026-05-02&to=2026-05-01', /From must not be after to/],
      ['from=2000-01-01&to=2026-01-01', /at most 3,660 days/],
      ['to=2026-01-01', /From/],
      ['from=2026-01-01&to=2026-01-02&colour=red', /colour/],
      ['from=2026-01-01&to=2026-01-02&link_id=abc', /Link id/],
      ['last=7d', /Last must be 24h/],
      ['from=2026-01-01&to=2026-01-02&collection_id=-3', /Collection id must be a whole number/],
      ['from=2026-01-01&to=2026-01-02&compare=last_year', /Compare must be previous/],
      ['last=24h&from=2026-01-01&to=2026-01-02', /From and to are both required, or last=24h/],
    ] as const) {
      it(`answers 400 in words for ${query}`, async () => {
        const res = await range(query);
        assert.equal(res.status, 400);
        assert.equal(res.body.success, false);
        assert.match(JSON.stringify(res.body.errors), message);
      });
    }
  });

  describe('GET /api/v1/live', () => {
    it("streams the owner's new clicks within moments, and nobody else's", async () => {
      const other = await createAccount(stack.services);
      const link = await createLink({ short_code: 'live-one' });
      const controller = new AbortController();
      const [mine, theirs] = await Promise.all([account, other].map((a) => fetch(stack.url('/api/v1/live'), { headers: a.auth, signal: controller.signal })));
      assert.equal(mine?.status, 200);
      assert.match(mine?.headers.get('content-type') ?? '', /^text\/event-stream/);
      const read = (res: Response | undefined) => {
        const state = { text: '' };
        const reader = res!.body!.getReader();
        void (async () => {
          for (;;) {
            const chunk = await reader.read().catch(() => ({ done: true, value: undefined }));
            if (chunk.done) return;
            state.text += new TextDecoder().decode(chunk.value);
          }
        })();
        return state;
      };
      const myStream = read(mine);
      const theirStream = read(theirs);
      await waitFor(() => myStream.text.includes(': connected') && theirStream.text.includes(': connected'), { what: 'both streams open' });
      const started = Date.now();
      const res = await fetch(stack.url('/live-one'), { redirect: 'manual', headers: { 'user-agent': MAC_CHROME } });
      assert.equal(res.status, 302);
      await waitFor(() => myStream.text.includes('event: click'), { what: 'the click on the stream', timeoutMs: 2000 });
      assert.ok(Date.now() - started < 2000);
      const data = JSON.parse(/data: (.*)\n/.exec(myStream.text)?.[1] ?? '{}') as Record<string, unknown>;
      assert.equal(data.link_id, link.id);
      assert.equal(data.browser, 'Chrome');
      assert.ok(!JSON.stringify(data).includes('Mozilla'), 'no user agent on the stream');
      assert.ok(!theirStream.text.includes('event:'), "another account's stream stays quiet");
      controller.abort();
    });

    it('refuses a request without credentials', async () => {
      const res = await request(stack.url('/api/v1/live'));
      assert.equal(res.status, 401);
    });
  });

  describe('GET /api/v1/links search, filters and order', () => {
    it('finds links by text in code, title or destination, by tag and by expiry, in the order asked', async () => {
      await createLink({ short_code: 'summer', title: 'Summer sale', tags: ['promo'] });
      await createLink({ short_code: 'winter', title: '100%_off', destination_url: 'https://shop.example.com/winter' });
      await createLink({ short_code: 'old', expires: true, expires_at: new Date(Date.now() + 50).toISOString() });
      const list = async (query: string) => {
        const res = await request(stack.url(`/api/v1/links?${query}`), { headers: account.auth });
        assert.equal(res.status, 200, JSON.stringify(res.body));
        return res.body.links.map((l: { short_code: string }) => l.short_code);
      };
      assert.deepEqual(await list('q=SALE'), ['summer']);
      assert.deepEqual(await list('q=shop.example'), ['winter']);
      assert.deepEqual(await list('q=0%25_'), ['winter'], '% and _ are searched as themselves');
      assert.deepEqual(await list('q=1%25'), []);
      assert.deepEqual(await list('tag=promo'), ['summer']);
      await waitFor(async () => (await list('expired=true')).length === 1, { what: 'the link to expire' });
      assert.deepEqual(await list('expired=true'), ['old']);
      assert.deepEqual(await list('expired=false&sort=title'), ['winter', 'summer']);
      assert.deepEqual(await list('sort=created_at'), ['summer', 'winter', 'old']);
    });

    it('answers 400 in words for an unknown order', async () => {
      const res = await request(stack.url('/api/v1/links?sort=colour'), { headers: account.auth });
      assert.equal(res.status, 400);
      assert.match(JSON.stringify(res.body.errors), /Sort must be one of/);
    });
  });

  describe('job progress', () => {
    it("reports an import's rows done out of its rows on the job's status", async () => {
      setJobWaitBound(stack.services, 0);
      try {
        const csv = 'destination_url,short_code\nhttps://example.com/1,prog-1\nnot a url,prog-2\nhttps://example.com/3,prog-3\n';
        const accepted = await request(stack.url('/api/v1/links/bulk_import'), { method: 'POST', headers: account.auth, json: { csv } });
        assert.equal(accepted.status, 202);
        const done = await waitForCompletedJob(accepted.body.status_url, account.auth, 'the import');
        assert.deepEqual(done.body.progress, { done: 3, total: 3 });
      } finally {
        setJobWaitBound(stack.services, DEFAULT_JOB_WAIT_MS);
      }
    });
  });

  describe('the serving room', () => {
    it('refuses the words of the dashboard as custom short codes', async () => {
      for (const code of ['app', 'signin', 'Invite', 'assets']) {
        const res = await request(stack.url('/api/v1/links'), { method: 'POST', headers: account.auth, json: { link: { destination_url: 'https://example.com', short_code: code } } });
        assert.equal(res.status, 422, code);
        assert.match(JSON.stringify(res.body.errors), /reserved/);
      }
    });

    it('keeps short links, the API and badges where they were beside the pages', async () => {
      await createLink({ short_code: 'still-here' });
      assert.equal((await fetch(stack.url('/still-here'), { redirect: 'manual' })).status, 302);
      assert.equal((await request(stack.url('/api/v1/nothing'))).status, 404);
      assert.equal((await fetch(stack.url('/assets/../package.json'))).status, 404);
      // A page answers with index.html when built, or 503 in words when not: never a JSON 404.
      const page = await fetch(stack.url('/app/links/12'));
      assert.ok([200, 503].includes(page.status));
      assert.match(page.headers.get('content-type') ?? '', /^text\/(html|plain)/);
    });
  });
});
