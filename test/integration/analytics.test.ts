import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { ClickEvent } from '../../src/lib/edge-events';
import { storeClicks } from '../../src/db/click-store';
import { queueRecompute, rollupUserDay } from '../../src/db/rollup-store';
import { enrichClick, ingestClicks } from '../../src/workers/ingest-clicks';
import { sealEvents } from '../../src/queues/sealed-events';
import { rollupClicks } from '../../src/workers/rollup-clicks';
import { createAccount } from '../helpers/accounts';
import { request } from '../helpers/http';
import { useStackWithAccount } from '../helpers/use-stack';
import { drainQueues, waitFor } from '../helpers/wait';

const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';
const IPAD = 'Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';
const MAC_CHROME = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';
const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';
const GB = '81.2.69.160';
const US = '8.8.8.8';
const DE = '85.214.132.117';
const DAY_MS = 86_400_000;

describe('Click analytics: overview and advanced', () => {
  // One trusted proxy hop: the test is the proxy, so X-Forwarded-For is the visitor.
  const { stack, account } = useStackWithAccount({ workers: true, env: { TRUST_PROXY: '1' } });

  async function createLink(title: string): Promise<{ id: number; short_code: string; created_at: string }> {
    const res = await request(stack.url('/api/v1/links'), { method: 'POST', headers: account.auth, json: { link: { destination_url: `https://example.com/${title}`, title } } });
    assert.equal(res.status, 201);
    return res.body.link;
  }

  async function click(code: string, ua: string, ip: string, referrer?: string): Promise<void> {
    const headers: Record<string, string> = { 'user-agent': ua, 'x-forwarded-for': ip };
    if (referrer) headers.referer = referrer;
    const res = await fetch(stack.url(`/${code}`), { redirect: 'manual', headers });
    assert.equal(res.status, 302);
  }

  /** Every click handed to the queue, stored, and every rollup it asked for done. */
  async function settle(): Promise<void> {
    await waitFor(() => stack.web.clicks.pending === 0, { what: 'click buffer to flush' });
    await drainQueues(stack.services);
    const [pending] = await stack.services.db('click_rollup_pending').count({ n: '*' });
    assert.equal(pending?.n, 0, 'no link-day left pending');
  }

  async function get(path: string, auth = account.auth) {
    return request(stack.url(path), { headers: auth });
  }

  function event(linkId: number, at: number, ip: string, ua = IPHONE, referrer: string | null = null): ClickEvent {
    return { id: randomUUID(), linkId, userId: account.user.id, variantId: null, at, ip, userAgent: ua, referrer };
  }

  /** Expected hour and weekday distributions, from the stored (non-bot) clicks' own timestamps. */
  async function expectedDistributions(): Promise<{ hours: number[]; weekdays: number[]; days: Map<string, number> }> {
    const rows = await stack.services.db('clicks').where({ is_bot: false }).select('clicked_at');
    const hours = Array.from({ length: 24 }, () => 0);
    const weekdays = Array.from({ length: 7 }, () => 0);
    const days = new Map<string, number>();
    for (const { clicked_at } of rows as Array<{ clicked_at: Date }>) {
      hours[clicked_at.getUTCHours()]! += 1;
      weekdays[clicked_at.getUTCDay()]! += 1;
      const day = clicked_at.toISOString().slice(0, 10);
      days.set(day, (days.get(day) ?? 0) + 1);
    }
    return { hours, weekdays, days };
  }

  function asDistribution(values: number[]): Record<string, number> {
    return Object.fromEntries(values.map((v, i) => [String(i), v]));
  }

  function peak(values: number[]): number {
    return values.indexOf(Math.max(...values));
  }

  it('reports every overview and advanced field from real redirects, bots left out', async () => {
    const alpha = await createLink('alpha');
    const beta = await createLink('beta');
    await click(alpha.short_code, IPHONE, GB, 'https://www.google.com/search?q=x');
    await click(alpha.short_code, IPHONE, GB, 'https://www.google.com/');
    await click(alpha.short_code, MAC_CHROME, US, 'https://t.co/abc');
    await click(beta.short_code, MAC_CHROME, US);
    await click(beta.short_code, IPAD, DE, 'https://twitter.com/someone');
    await click(alpha.short_code, GOOGLEBOT, '81.2.69.161', 'https://www.bing.com/');
    await settle();

    // A conversion attributed to alpha: 1 of its 3 clicks converted.
    const [goal] = await stack.services.db('conversion_goals').insert({ user_id: account.user.id, name: 'Purchase', postback_token_hash: randomUUID(), token_prefix: 'pb_' }).returning('id');
    await stack.services.db('conversions').insert({ goal_id: goal.id, user_id: account.user.id, link_id: alpha.id, attributed: true, value: 10 });

    const expected = await expectedDistributions();
    const today = new Date();
    const todayStart = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
    const period = {
      start_date: `${new Date(todayStart - 29 * DAY_MS).toISOString().slice(0, 10)}T00:00:00Z`,
      end_date: `${new Date(todayStart + DAY_MS).toISOString().slice(0, 10)}T00:00:00Z`,
    };
    const timeSeries = Object.fromEntries(Array.from({ length: 30 }, (_, i) => {
      const day = new Date(todayStart - (29 - i) * DAY_MS).toISOString().slice(0, 10);
      return [day, expected.days.get(day) ?? 0];
    }));
    const alphaLink = await stack.services.db('links').where({ id: alpha.id }).first();

    const overview = await get('/api/v1/analytics/overview');
    assert.equal(overview.status, 200);
    assert.deepEqual(overview.body, {
      success: true,
      overview: {
        attribution_window_days: 30,
        period,
        metrics: { total_clicks: 5, unique_visitors: 3, average_clicks_per_visitor: 1.67 },
        top_links: [
          { id: alpha.id, short_code: alpha.short_code, title: 'alpha', destination_url: 'https://example.com/alpha', clicks: 3, last_clicked_at: `${alphaLink.last_clicked_at.toISOString().slice(0, 19)}Z` },
          { id: beta.id, short_code: beta.short_code, title: 'beta', destination_url: 'https://example.com/beta', clicks: 2, last_clicked_at: overview.body.overview.top_links[1].last_clicked_at },
        ],
        device_breakdown: { desktop: 2, mobile: 2, tablet: 1 },
        country_breakdown: { GB: 2, US: 2, DE: 1 },
        referrer_breakdown: { 'google.com': 2, 't.co': 1, 'twitter.com': 1 },
        time_series: timeSeries,
        bot_clicks: 1,
      },
    });
    assert.deepEqual(Object.keys(overview.body.overview.device_breakdown), ['desktop', 'mobile', 'tablet'], 'largest first, then by name');

    const advanced = await get('/api/v1/analytics/advanced');
    assert.equal(advanced.status, 200);
    assert.deepEqual(advanced.body, {
      success: true,
      advanced: {
        attribution_window_days: 30,
        period,
        conversion_analysis: [
          { link_id: alpha.id, short_code: alpha.short_code, title: 'alpha', clicks: 3, created_at: `${alpha.created_at.slice(0, 19)}Z`, conversion_rate: 33.33 },
          { link_id: beta.id, short_code: beta.short_code, title: 'beta', clicks: 2, created_at: `${beta.created_at.slice(0, 19)}Z`, conversion_rate: 0 },
        ],
        browser_breakdown: { Safari: 3, Chrome: 2 },
        os_breakdown: { iOS: 3, macOS: 2 },
        hourly_distribution: asDistribution(expected.hours),
        day_of_week_distribution: asDistribution(expected.weekdays),
        insights: { peak_hour: peak(expected.hours), peak_day: peak(expected.weekdays), top_browser: 'Safari', top_os: 'iOS' },
        day_names: { 0: 'Sunday', 1: 'Monday', 2: 'Tuesday', 3: 'Wednesday', 4: 'Thursday', 5: 'Friday', 6: 'Saturday' },
        bot_clicks: 1,
      },
    });

    // The bot click is stored, flagged, and in no aggregate.
    const bot = await stack.services.db('clicks').where({ is_bot: true }).first();
    assert.equal(bot.referrer_domain, 'bing.com');
    const bing = await stack.services.db('link_daily_breakdowns').where({ key: 'bing.com' });
    assert.equal(bing.length, 0);
  });

  it('answers zeros, empty breakdowns and null insights for an account without clicks', async () => {
    const overview = await get('/api/v1/analytics/overview');
    assert.equal(overview.status, 200);
    assert.deepEqual(overview.body.overview.metrics, { total_clicks: 0, unique_visitors: 0, average_clicks_per_visitor: 0 });
    assert.deepEqual(overview.body.overview.top_links, []);
    assert.deepEqual(overview.body.overview.device_breakdown, {});
    assert.equal(Object.keys(overview.body.overview.time_series).length, 30);
    assert.ok(Object.values(overview.body.overview.time_series).every((n) => n === 0));

    const advanced = await get('/api/v1/analytics/advanced');
    assert.equal(advanced.status, 200);
    assert.deepEqual(advanced.body.advanced.insights, { peak_hour: null, peak_day: null, top_browser: null, top_os: null });
    assert.deepEqual(advanced.body.advanced.conversion_analysis, []);
    assert.equal(Object.keys(advanced.body.advanced.hourly_distribution).length, 24);
    assert.deepEqual(Object.keys(advanced.body.advanced.day_of_week_distribution), ['0', '1', '2', '3', '4', '5', '6']);
  });

  it("uses the user's attribution window: clicks before it are left out, a visitor seen on two days counts once", async () => {
    await stack.services.db('users').where({ id: account.user.id }).update({ attribution_window_days: 7 });
    const link = await createLink('window');
    const now = Date.now();
    await ingestClicks(stack.services, {
      events: [
        event(link.id, now - 10 * DAY_MS, US), // before the window
        event(link.id, now - 2 * DAY_MS, GB),
        event(link.id, now - DAY_MS, GB), // same visitor, another day
        event(link.id, now, DE),
      ],
    });
    await drainQueues(stack.services);

    const { body } = await get('/api/v1/analytics/overview');
    assert.equal(body.overview.attribution_window_days, 7);
    assert.equal(Object.keys(body.overview.time_series).length, 7);
    assert.deepEqual(body.overview.metrics, { total_clicks: 3, unique_visitors: 2, average_clicks_per_visitor: 1.5 });
    assert.deepEqual(body.overview.country_breakdown, { GB: 2, DE: 1 });
    const start = Date.parse(body.overview.period.start_date);
    assert.equal(Date.parse(body.overview.period.end_date) - start, 7 * DAY_MS);
    // The older day is still rolled up; it is just outside this window.
    const old = await stack.services.db('link_daily_stats').where({ link_id: link.id }).orderBy('day').first();
    assert.equal(old.clicks, 1);
  });

  it('gives the same numbers when the same events are delivered again, directly and through the queue', async () => {
    const link = await createLink('replay');
    const events = [event(link.id, Date.now(), GB, IPHONE, 'https://www.google.com/'), event(link.id, Date.now(), US, MAC_CHROME), event(link.id, Date.now(), US, GOOGLEBOT)];
    await ingestClicks(stack.services, { events });
    await drainQueues(stack.services);
    const first = (await get('/api/v1/analytics/overview')).body;
    const firstAdvanced = (await get('/api/v1/analytics/advanced')).body;
    assert.equal(first.overview.metrics.total_clicks, 2);

    await ingestClicks(stack.services, { events });
    await stack.services.queues.add('ingest-clicks', { sealed: sealEvents(stack.services.config.appSecret, events) });
    await stack.services.queues.add('ingest-clicks', { sealed: sealEvents(stack.services.config.appSecret, events) });
    await drainQueues(stack.services);
    assert.deepEqual((await get('/api/v1/analytics/overview')).body, first);
    assert.deepEqual((await get('/api/v1/analytics/advanced')).body, firstAdvanced);
  });

  it('recomputing a link-day twice leaves exactly the same aggregate rows', async () => {
    const link = await createLink('recompute');
    const at = Date.now();
    await ingestClicks(stack.services, { events: [event(link.id, at, GB), event(link.id, at, US, MAC_CHROME, 'https://t.co/'), event(link.id, at, DE, IPAD)] });
    await drainQueues(stack.services);
    const snapshot = async () => ({
      link: await stack.services.db('link_daily_stats').orderBy(['link_id', 'day']),
      breakdowns: await stack.services.db('link_daily_breakdowns').orderBy(['link_id', 'day', 'dimension', 'key']),
      user: await stack.services.db('user_daily_stats').orderBy(['user_id', 'day']),
      userBreakdowns: await stack.services.db('user_daily_breakdowns').orderBy(['user_id', 'day', 'dimension', 'key']),
    });
    const before = await snapshot();
    assert.equal(before.link[0]?.clicks, 3);
    assert.equal(before.link[0]?.unique_visitors, 3);
    const day = new Date(at).toISOString().slice(0, 10);
    await rollupUserDay(stack.services.db, account.user.id, day, { linkIds: [link.id] });
    await rollupUserDay(stack.services.db, account.user.id, day, { linkIds: [link.id] });
    assert.deepEqual(await snapshot(), before);
  });

  it('refuses a token without analytics:read (403), no token (401) and query parameters (400)', async () => {
    const limited = await createAccount(stack.services, { scopes: ['links:read'] });
    const forbidden = await get('/api/v1/analytics/overview', limited.auth);
    assert.equal(forbidden.status, 403);
    assert.equal(forbidden.body.success, false);
    assert.equal((await request(stack.url('/api/v1/analytics/advanced'))).status, 401);

    const overridden = await get('/api/v1/analytics/overview?days=7');
    assert.equal(overridden.status, 400);
    assert.equal(overridden.body.success, false);
    assert.match(overridden.body.errors[0], /"days".*cannot be overridden/);
    const startDate = await get('/api/v1/analytics/advanced?start_date=2026-01-01');
    assert.equal(startDate.status, 400);
    assert.match(startDate.body.errors[0], /"start_date".*cannot be overridden/);
    // A filter is not a window: it is told where filters are, not about the attribution window.
    const filtered = await get('/api/v1/analytics/advanced?link_id=1');
    assert.equal(filtered.status, 400);
    assert.match(filtered.body.errors[0], /^Unknown query parameter "link_id": the only one is compare=previous; GET \/api\/v1\/analytics\/range filters by link/);
    assert.doesNotMatch(filtered.body.errors[0], /attribution window/);
    const badCompare = await get('/api/v1/analytics/overview?compare=last_year');
    assert.equal(badCompare.status, 400);
    assert.match(badCompare.body.errors.join('\n'), /Compare must be previous/);
  });

  it('with compare=previous adds the window just before, and counts the bots each window left out', async () => {
    await stack.services.db('users').where({ id: account.user.id }).update({ attribution_window_days: 7 });
    const link = await createLink('compare');
    const now = Date.now();
    await ingestClicks(stack.services, {
      events: [
        event(link.id, now - 20 * DAY_MS, US), // before both windows
        event(link.id, now - 9 * DAY_MS, US),
        event(link.id, now - 8 * DAY_MS, GB),
        event(link.id, now - 8 * DAY_MS, US, GOOGLEBOT),
        event(link.id, now, DE),
        event(link.id, now, DE, GOOGLEBOT),
        event(link.id, now, GB, GOOGLEBOT),
      ],
    });
    await drainQueues(stack.services);

    const plain = (await get('/api/v1/analytics/overview')).body.overview;
    assert.equal(plain.bot_clicks, 2);
    assert.equal('previous' in plain, false, 'previous only when asked for');

    const { status, body } = await get('/api/v1/analytics/overview?compare=previous');
    assert.equal(status, 200);
    assert.deepEqual(body.overview.metrics, { total_clicks: 1, unique_visitors: 1, average_clicks_per_visitor: 1 });
    assert.equal(body.overview.bot_clicks, 2);
    assert.deepEqual(body.overview.previous.metrics, { total_clicks: 2, unique_visitors: 2, average_clicks_per_visitor: 1 });
    assert.equal(body.overview.previous.bot_clicks, 1);
    assert.equal(body.overview.previous.period.end_date, body.overview.period.start_date);
    assert.equal(Date.parse(body.overview.previous.period.end_date) - Date.parse(body.overview.previous.period.start_date), 7 * DAY_MS);

    const advanced = (await get('/api/v1/analytics/advanced?compare=previous')).body.advanced;
    assert.equal(advanced.bot_clicks, 2);
    assert.deepEqual(advanced.previous, body.overview.previous);
  });

  it("never shows another user's clicks", async () => {
    const link = await createLink('mine');
    await ingestClicks(stack.services, { events: [event(link.id, Date.now(), GB)] });
    await drainQueues(stack.services);
    const other = await createAccount(stack.services);
    const { body } = await get('/api/v1/analytics/overview', other.auth);
    assert.equal(body.overview.metrics.total_clicks, 0);
    assert.deepEqual(body.overview.top_links, []);
  });

  it('rolls up every one of many concurrent clicks on a few links, none lost between passes', async () => {
    const links = [await createLink('a'), await createLink('b'), await createLink('c')];
    await Promise.all(Array.from({ length: 400 }, (_, i) => click(links[i % 3]!.short_code, i % 2 ? IPHONE : MAC_CHROME, `81.2.${i % 50}.1`)));
    await settle();
    const { body } = await get('/api/v1/analytics/overview');
    const [sum] = await stack.services.db('links').sum({ n: 'click_count' });
    assert.equal(sum?.n, 400);
    assert.equal(body.overview.metrics.total_clicks, 400);
    assert.equal(body.overview.metrics.unique_visitors, 50);
    assert.deepEqual(body.overview.top_links.map((l: { clicks: number }) => l.clicks), [134, 133, 133]);
  });

  it('rolls up link-days queued for a recompute (repair, backfill) whose job was never queued', async () => {
    const link = await createLink('lost');
    // Raw clicks written without their aggregates, as a backfill does, then queued for a recompute.
    await storeClicks(stack.services.db, [enrichClick(stack.services.config.appSecret, event(link.id, Date.now(), GB))], []);
    assert.equal((await get('/api/v1/analytics/overview')).body.overview.metrics.total_clicks, 0);
    assert.equal(await queueRecompute(stack.services.db, new Date(Date.now() - DAY_MS), new Date(Date.now() + DAY_MS)), 1);
    await stack.services.queues.add('rollup-clicks', {});
    await drainQueues(stack.services);
    const { body } = await get('/api/v1/analytics/overview');
    assert.equal(body.overview.metrics.total_clicks, 1);
  });

  it('leaves a link-day that is not yet due for a later pass, which it books', async () => {
    const link = await createLink('later');
    await storeClicks(stack.services.db, [enrichClick(stack.services.config.appSecret, event(link.id, Date.now(), GB))], []);
    await queueRecompute(stack.services.db, new Date(Date.now() - DAY_MS), new Date(Date.now() + DAY_MS));
    await stack.services.db('click_rollup_pending').update({ due_at: stack.services.db.raw("now() + interval '2 seconds'") });
    const first = await rollupClicks(stack.services);
    assert.equal(first.linkDays, 0);
    assert.ok(first.nextDueAt, 'the pending link-day is reported');
    await drainQueues(stack.services);
    const { body } = await get('/api/v1/analytics/overview');
    assert.equal(body.overview.metrics.total_clicks, 1, 'the booked pass rolled it up');
  });

  it('adds each stored batch to the daily aggregates exactly as a recompute from the raw clicks gives them', async () => {
    const links = [await createLink('inc-a'), await createLink('inc-b'), await createLink('inc-c')];
    // Noon yesterday (UTC): the clicks fall on exactly two days whatever the hour the test runs.
    const now = Math.floor(Date.now() / DAY_MS) * DAY_MS - DAY_MS / 2;
    const agents = [IPHONE, IPAD, MAC_CHROME, GOOGLEBOT];
    const referrers = [null, 'https://www.google.com/search', 'https://t.co/x', 'android-app://com.slack'];
    // 600 clicks over two days and three links: 40 visitors who come back across batches, links
    // and days, bots among them, a few unlocatable addresses.
    const events = Array.from({ length: 600 }, (_, i) => event(
      links[i % 3]!.id, now - (i % 5 === 0 ? DAY_MS : 0) - (i % 7) * 3_600_000,
      i % 13 === 0 ? '10.0.0.1' : `81.2.${i % 40}.9`, agents[i % 4]!, referrers[i % 4]!,
    ));
    // Batches of varied sizes, some written concurrently (one shared transaction or several), and redelivered.
    await Promise.all([ingestClicks(stack.services, { events: events.slice(0, 150) }), ingestClicks(stack.services, { events: events.slice(150, 170) })]);
    await ingestClicks(stack.services, { events: events.slice(100, 400) });
    await Promise.all([ingestClicks(stack.services, { events: events.slice(400, 401) }), ingestClicks(stack.services, { events: events.slice(401) }), ingestClicks(stack.services, { events: events.slice(0, 50) })]);
    const snapshot = async () => ({
      link: await stack.services.db('link_daily_stats').where({ user_id: account.user.id }).orderBy(['link_id', 'day']),
      breakdowns: await stack.services.db('link_daily_breakdowns').where({ user_id: account.user.id }).orderBy(['link_id', 'day', 'dimension', 'key']),
      user: await stack.services.db('user_daily_stats').where({ user_id: account.user.id }).orderBy(['day']),
      userBreakdowns: await stack.services.db('user_daily_breakdowns').where({ user_id: account.user.id }).orderBy(['day', 'dimension', 'key']),
    });
    const added = await snapshot();
    assert.equal(added.link.reduce((sum: number, r: { clicks: number }) => sum + r.clicks, 0), 450, 'every click but the bots');
    assert.ok(added.link.every((r: { unique_visitors: number }) => r.unique_visitors > 0 && r.unique_visitors < 40));
    assert.equal(added.user.length, 2);
    assert.equal(await stack.services.db('click_rollup_pending').where({ user_id: account.user.id }).first(), undefined, 'nothing left for a rollup pass');
    for (const day of added.user.map((r: { day: Date }) => r.day.toISOString().slice(0, 10))) {
      await rollupUserDay(stack.services.db, account.user.id, day, { linkIds: links.map((l) => l.id) });
    }
    assert.deepEqual(await snapshot(), added);
  });

  it('estimates window uniques from the sketches once a day has more visitors than the exact set holds', async () => {
    const link = await createLink('busy');
    const at = Date.now();
    const events = Array.from({ length: 2500 }, (_, i) => event(link.id, at, `81.${2 + (i >> 8)}.${i & 255}.7`));
    for (let i = 0; i < events.length; i += 500) await ingestClicks(stack.services, { events: events.slice(i, i + 500) });
    await drainQueues(stack.services);
    const [day] = await stack.services.db('user_daily_stats').where({ user_id: account.user.id });
    assert.equal(day.visitor_ids, null, 'past 2,048 visitors the day keeps only its sketch');
    const { body } = await get('/api/v1/analytics/overview');
    assert.equal(body.overview.metrics.total_clicks, 2500);
    const estimate = body.overview.metrics.unique_visitors;
    assert.ok(Math.abs(estimate - 2500) / 2500 < 0.03, `estimate ${estimate} within 3% of 2,500`);
    const [stats] = await stack.services.db('link_daily_stats').where({ link_id: link.id });
    assert.equal(stats.unique_visitors, 2500, 'per link-day uniques are exact');
  });
});
