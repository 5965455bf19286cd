import type { Window } from '../db/analytics-store';
import { BREAKDOWN_DIMENSIONS, conversionBuckets, installsIn, rangeStats, type RangeFilter } from '../db/range-stats-store';
import { rangeQuery, rangeResponse } from './range-analytics.schema';
import type { ApiRouter } from './route';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

function windowOf(from: string, to: string): Window {
  const start = new Date(`${from}T00:00:00Z`);
  const end = new Date(Date.parse(`${to}T00:00:00Z`) + DAY_MS);
  return { days: Math.round((end.getTime() - start.getTime()) / DAY_MS), start, end };
}

function day(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** Bucket keys of a window, oldest first: one per day, or one per hour ('YYYY-MM-DDTHH'). */
function bucketsOf(window: Window, hourly: boolean): string[] {
  const step = hourly ? HOUR_MS : DAY_MS;
  const keys: string[] = [];
  for (let t = window.start.getTime(); t < window.end.getTime(); t += step) {
    keys.push(hourly ? new Date(t).toISOString().slice(0, 13) : day(new Date(t)));
  }
  return keys;
}

export function registerRangeAnalyticsRoutes(api: ApiRouter): void {
  api.add({
    method: 'get',
    path: '/api/v1/analytics/range',
    tag: 'Analytics',
    summary: 'Clicks, visitors, conversions and installs over a date range against the previous period, with series, breakdowns, heatmap and top links',
    auth: 'analytics:read',
    query: rangeQuery,
    responses: {
      200: { description: 'Range analytics', schema: rangeResponse },
      400: { description: 'A bad date, an inverted or too long range, or an unknown parameter' },
    },
    handler: async ({ query, auth, res, services }) => {
      const current = windowOf(query.from, query.to);
      const previous: Window = { days: current.days, start: new Date(current.start.getTime() - current.days * DAY_MS), end: current.start };
      const hourly = current.days <= 2;
      const filter: RangeFilter = {
        linkId: query.link_id,
        values: Object.fromEntries(BREAKDOWN_DIMENSIONS.map((d) => [d, query[d]])),
      };
      const userId = auth.user.id;
      const [now, before, conversions, previousConversions, installs, previousInstalls] = await Promise.all([
        rangeStats(services.db, userId, current, filter, hourly),
        rangeStats(services.db, userId, previous, filter, hourly, false),
        conversionBuckets(services.db, userId, current, query.link_id, hourly),
        conversionBuckets(services.db, userId, previous, query.link_id, hourly),
        installsIn(services.db, userId, current),
        installsIn(services.db, userId, previous),
      ]);
      const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
      const keys = bucketsOf(current, hourly);
      const previousKeys = bucketsOf(previous, hourly);
      res.json({
        success: true,
        range: {
          from: query.from, to: query.to, days: current.days,
          previous_from: day(previous.start), previous_to: day(new Date(previous.end.getTime() - DAY_MS)),
          granularity: hourly ? 'hour' : 'day',
        },
        totals: { clicks: now.clicks, unique_visitors: now.uniqueVisitors, conversions: sum(conversions), installs },
        previous_totals: { clicks: before.clicks, unique_visitors: before.uniqueVisitors, conversions: sum(previousConversions), installs: previousInstalls },
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
