import { botClicks, breakdowns, dailyTotals, previousWindow, topLinks, windowEndingToday, type DailyTotals, type Window } from '../db/analytics-store';
import type { Db } from '../db/knex';
import { advancedResponse, analyticsQuery, overviewResponse } from './analytics.schema';
import type { ApiRouter } from './route';

/**
 * GET /api/v1/analytics/overview and /advanced: account-wide click analytics over the user's
 * attribution window (users.attribution_window_days), read from the daily rollups. Bots are in
 * no count. Breakdowns list known values only, largest first (clicks with no referrer or no
 * location count in the totals, not in the referrer or country breakdown). bot_clicks says how
 * many were left out; compare=previous adds the window just before beside this one.
 */

const DAY_NAMES = { 0: 'Sunday', 1: 'Monday', 2: 'Tuesday', 3: 'Wednesday', 4: 'Thursday', 5: 'Friday', 6: 'Saturday' };
const TOP_LINKS = 10;
/** conversion_analysis lists the links with the most clicks in the window, at most this many. */
const CONVERSION_LINKS = 100;
/** Referrer domains are unbounded; the breakdown lists the most frequent. */
const TOP_REFERRERS = 20;

/** Seconds precision, as the contract's examples: 2026-03-11T18:00:00Z. */
function iso(at: Date): string {
  return `${at.toISOString().slice(0, 19)}Z`;
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

function record(entries: Array<[string, number]>): Record<string, number> {
  return Object.fromEntries(entries);
}

/** "0".."n-1" with a count for each, and the index of the largest (the first on a tie; null when all are 0). */
function distribution(values: number[]): { counts: Record<string, number>; peak: number | null } {
  let peak: number | null = null;
  values.forEach((v, i) => {
    if (v > 0 && (peak === null || v > (values[peak] ?? 0))) peak = i;
  });
  return { counts: Object.fromEntries(values.map((v, i) => [String(i), v])), peak };
}

export function windowFor(days: number | undefined): Window {
  // The settings endpoint validates the window; a stored value outside 1..3650 is clamped, not trusted.
  return windowEndingToday(Math.min(3650, Math.max(1, days ?? 30)));
}

export function periodOf(window: Window) {
  return { start_date: iso(window.start), end_date: iso(window.end) };
}

function metricsOf(totals: DailyTotals) {
  return {
    total_clicks: totals.totalClicks,
    unique_visitors: totals.uniqueVisitors,
    average_clicks_per_visitor: totals.uniqueVisitors > 0 ? round2(totals.totalClicks / totals.uniqueVisitors) : 0,
  };
}

/** The previous window's period, metrics and bots, when asked for. */
async function previousPeriod(db: Db, userId: number, window: Window, compare: 'previous' | undefined) {
  if (compare !== 'previous') return {};
  const before = previousWindow(window);
  const [totals, bots] = await Promise.all([dailyTotals(db, userId, before), botClicks(db, userId, before)]);
  return { previous: { period: periodOf(before), metrics: metricsOf(totals), bot_clicks: bots } };
}

export function registerAnalyticsRoutes(api: ApiRouter): void {
  api.add({
    method: 'get',
    path: '/api/v1/analytics/overview',
    tag: 'Analytics',
    summary: 'Clicks, unique visitors, top links and breakdowns over the attribution window',
    auth: 'analytics:read',
    query: analyticsQuery,
    responses: {
      200: { description: 'Overview', schema: overviewResponse },
      400: { description: 'Unknown query parameter' },
    },
    handler: async ({ query, auth, res, services }) => {
      const window = windowFor(auth.user.attribution_window_days);
      const [totals, split, links, bots, previous] = await Promise.all([
        dailyTotals(services.db, auth.user.id, window),
        breakdowns(services.db, auth.user.id, window, ['device', 'country', 'referrer']),
        topLinks(services.db, auth.user.id, window, TOP_LINKS),
        botClicks(services.db, auth.user.id, window),
        previousPeriod(services.db, auth.user.id, window, query.compare),
      ]);
      res.json({
        success: true,
        overview: {
          attribution_window_days: window.days,
          period: periodOf(window),
          metrics: metricsOf(totals),
          bot_clicks: bots,
          ...previous,
          top_links: links.map((l) => ({
            id: l.id, short_code: l.short_code, title: l.title, destination_url: l.destination_url, clicks: l.clicks,
            last_clicked_at: l.last_clicked_at ? iso(l.last_clicked_at) : null,
          })),
          device_breakdown: record(split.device),
          country_breakdown: record(split.country),
          referrer_breakdown: record(split.referrer.slice(0, TOP_REFERRERS)),
          time_series: Object.fromEntries(totals.byDay.map((d) => [d.day, d.clicks])),
        },
      });
    },
  });

  api.add({
    method: 'get',
    path: '/api/v1/analytics/advanced',
    tag: 'Analytics',
    summary: 'Conversion rates per link, browser/OS breakdowns, hour and weekday distributions over the attribution window',
    auth: 'analytics:read',
    query: analyticsQuery,
    responses: {
      200: { description: 'Advanced analytics', schema: advancedResponse },
      400: { description: 'Unknown query parameter' },
    },
    handler: async ({ query, auth, res, services }) => {
      const window = windowFor(auth.user.attribution_window_days);
      const [totals, split, links, bots, previous] = await Promise.all([
        dailyTotals(services.db, auth.user.id, window),
        breakdowns(services.db, auth.user.id, window, ['browser', 'os', 'hour']),
        topLinks(services.db, auth.user.id, window, CONVERSION_LINKS),
        botClicks(services.db, auth.user.id, window),
        previousPeriod(services.db, auth.user.id, window, query.compare),
      ]);
      const hourly = Array.from({ length: 24 }, () => 0);
      for (const [hour, clicks] of split.hour) hourly[Number(hour)] = clicks;
      const hours = distribution(hourly);
      const weekdays = distribution(totals.byWeekday);
      res.json({
        success: true,
        advanced: {
          attribution_window_days: window.days,
          period: periodOf(window),
          conversion_analysis: links.map((l) => ({
            link_id: l.id, short_code: l.short_code, title: l.title, clicks: l.clicks, created_at: iso(l.created_at),
            conversion_rate: l.clicks > 0 ? round2((l.conversions / l.clicks) * 100) : 0,
          })),
          browser_breakdown: record(split.browser),
          os_breakdown: record(split.os),
          hourly_distribution: hours.counts,
          day_of_week_distribution: weekdays.counts,
          insights: {
            peak_hour: hours.peak,
            peak_day: weekdays.peak,
            top_browser: split.browser[0]?.[0] ?? null,
            top_os: split.os[0]?.[0] ?? null,
          },
          day_names: DAY_NAMES,
          bot_clicks: bots,
          ...previous,
        },
      });
    },
  });
}
