import type { Window } from '../db/analytics-store';
import { BREAKDOWN_DIMENSIONS, conversionBuckets, installsIn, rangeBotClicks, rangeStats, type RangeFilter } from '../db/range-stats-store';
import type { z } from 'zod';
import { rangeQuery, rangeResponse } from './range-analytics.schema';
import type { ApiRouter } from './route';
import { DAY_MS, utcDay } from '../lib/days';

const HOUR_MS = 3_600_000;

function windowOf(from: string, to: string): Window {
  const start = new Date(`${from}T00:00:00Z`);
  const end = new Date(Date.parse(`${to}T00:00:00Z`) + DAY_MS);
  return { days: Math.round((end.getTime() - start.getTime()) / DAY_MS), start, end };
}

/**
 * The last 24 hours ending with the current hour, so every bucket is a whole clock hour (the
 * newest one still filling), and the 24 before them.
 */
function last24Hours(now: number): { current: Window; previous: Window } {
  const end = Math.floor(now / HOUR_MS) * HOUR_MS + HOUR_MS;
  const current = { days: 1, start: new Date(end - DAY_MS), end: new Date(end) };
  return { current, previous: { days: 1, start: new Date(end - 2 * DAY_MS), end: current.start } };
}

function windowsOf(query: z.infer<typeof rangeQuery>): { current: Window; previous: Window } {
  if (query.last === '24h' || !query.from || !query.to) return last24Hours(Date.now());
  const current = windowOf(query.from, query.to);
  return { current, previous: { days: current.days, start: new Date(current.start.getTime() - current.days * DAY_MS), end: current.start } };
}

/** Bucket keys of a window, oldest first: one per day, or one per hour ('YYYY-MM-DDTHH'). */
function bucketsOf(window: Window, hourly: boolean): string[] {
  const step = hourly ? HOUR_MS : DAY_MS;
  const keys: string[] = [];
  for (let t = window.start.getTime(); t < window.end.getTime(); t += step) {
    keys.push(hourly ? new Date(t).toISOString().slice(0, 13) : utcDay(new Date(t)));
  }
  return keys;
}

export function registerRangeAnalyticsRoutes(api: ApiRouter): void {
  api.add({
    method: 'get',
    path: '/api/v1/analytics/range',
    tag: 'Analytics',
    summary: 'Clicks, visitors, conversions, installs and bot clicks over a date range (the account, a link or a collection) against the previous period, with series, breakdowns, heatmap and top links',
    auth: 'analytics:read',
    query: rangeQuery,
    responses: {
      200: { description: 'Range analytics', schema: rangeResponse },
      400: { description: 'A bad date, an inverted or too long range, or an unknown parameter' },
    },
    handler: async ({ query, auth, res, services }) => {
      const { current, previous } = windowsOf(query);
      const rolling = query.last !== undefined;
      const hourly = current.days <= 2;
      const filter: RangeFilter = {
        linkId: query.link_id,
        collectionId: query.collection_id,
        values: Object.fromEntries(BREAKDOWN_DIMENSIONS.map((d) => [d, query[d]])),
        // The daily rollups cannot cut a day at the hour: 24 rolling hours read the raw clicks.
        raw: rolling,
      };
      const userId = auth.user.id;
      const [now, before, conversions, previousConversions, installs, previousInstalls, bots, previousBots] = await Promise.all([
        rangeStats(services.db, userId, current, filter, hourly),
        rangeStats(services.db, userId, previous, filter, hourly, false),
        conversionBuckets(services.db, userId, current, filter, hourly),
        conversionBuckets(services.db, userId, previous, filter, hourly),
        installsIn(services.db, userId, current, rolling, query.collection_id),
        installsIn(services.db, userId, previous, rolling, query.collection_id),
        rangeBotClicks(services.db, userId, current, filter),
        rangeBotClicks(services.db, userId, previous, filter),
      ]);
      const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
      const keys = bucketsOf(current, hourly);
      const previousKeys = bucketsOf(previous, hourly);
      res.json({
        success: true,
        range: {
          from: utcDay(current.start), to: utcDay(new Date(current.end.getTime() - 1)), days: current.days,
          previous_from: utcDay(previous.start), previous_to: utcDay(new Date(previous.end.getTime() - 1)),
          granularity: hourly ? 'hour' : 'day',
          start: current.start.toISOString(), end: current.end.toISOString(),
          previous_start: previous.start.toISOString(), previous_end: previous.end.toISOString(),
        },
        totals: { clicks: now.clicks, unique_visitors: now.uniqueVisitors, conversions: sum(conversions), installs, bot_clicks: bots },
        previous_totals: { clicks: before.clicks, unique_visitors: before.uniqueVisitors, conversions: sum(previousConversions), installs: previousInstalls, bot_clicks: previousBots },
        series: keys.map((bucket, i) => ({
          bucket, clicks: now.buckets.get(bucket) ?? 0, previous_clicks: before.buckets.get(previousKeys[i] ?? '') ?? 0, conversions: conversions.get(bucket) ?? 0,
        })),
        breakdowns: Object.fromEntries(BREAKDOWN_DIMENSIONS.map((d) => [d, now.breakdowns[d].map(([key, clicks]) => ({ key, clicks }))])),
        heatmap: now.heatmap,
        top_links: now.topLinks,
      });
    },
  });
}
