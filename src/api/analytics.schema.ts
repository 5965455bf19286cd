import { z } from 'zod';

/** The PVTLNK Analytics API responses, field for field (seeds/pvtlnk-api.txt, "Analytics API"). */

/**
 * Only compare=previous: the attribution window is a setting and cannot be overridden per
 * request, but the window just before it can be shown beside it.
 */
/** Parameters that try to choose the window (days=7, start_date=…): they get the reason why not. */
const WINDOW_LIKE = /^(days?|period|window|range|last|from|to|since|until|start|end)(_?(date|at|days))?$/i;

function unknownParameters(keys: readonly string[]): string {
  const named = `Unknown query parameter ${keys.map((k) => `"${k}"`).join(', ')}`;
  // Only the window's own parameters are about the window; a filter such as link_id is not.
  return keys.some((k) => WINDOW_LIKE.test(k))
    ? `${named}: the attribution window is set in API settings and cannot be overridden per request`
    : `${named}: the only one is compare=previous; GET /api/v1/analytics/range filters by link, collection, country, device, browser, OS or referrer`;
}

export const analyticsQuery = z.strictObject({
  compare: z.enum(['previous'], 'Compare must be previous').optional()
    .describe('previous: add `previous`, the metrics of the window of as many days just before this one'),
}, {
  error: (issue) => (issue.code === 'unrecognized_keys' ? unknownParameters(issue.keys) : undefined),
});

const counts = z.record(z.string(), z.number().int());

/** What periodOf answers: the analytics endpoints' windows, and a link's compared ones. */
export const period = z.object({
  start_date: z.string().describe('UTC midnight starting the window (first day included)'),
  end_date: z.string().describe('UTC midnight ending the window (exclusive: for the current window, the day after today)'),
}).meta({ id: 'AnalyticsPeriod' });

const metrics = z.object({
  total_clicks: z.number().int(),
  unique_visitors: z.number().int(),
  average_clicks_per_visitor: z.number(),
}).meta({ id: 'ClickMetrics' });

const botClicks = z.number().int().describe('Clicks judged to be bots in the period, which no other count includes');

/** Present with compare=previous only. */
const previous = z.object({ period, metrics, bot_clicks: botClicks }).meta({ id: 'AnalyticsPreviousWindow' }).optional()
  .describe('With compare=previous: the window of as many days just before this one');

export const overviewResponse = z.object({
  success: z.literal(true),
  overview: z.object({
    attribution_window_days: z.number().int(),
    period,
    metrics,
    bot_clicks: botClicks,
    previous,
    top_links: z.array(z.object({
      id: z.number().int(),
      short_code: z.string(),
      title: z.string().nullable(),
      destination_url: z.string(),
      clicks: z.number().int(),
      last_clicked_at: z.string().nullable(),
    })),
    device_breakdown: counts,
    country_breakdown: counts,
    referrer_breakdown: counts,
    time_series: counts.describe('Clicks per UTC date (YYYY-MM-DD), every day of the window'),
  }),
});

export const advancedResponse = z.object({
  success: z.literal(true),
  advanced: z.object({
    attribution_window_days: z.number().int(),
    period,
    conversion_analysis: z.array(z.object({
      link_id: z.number().int(),
      short_code: z.string(),
      title: z.string().nullable(),
      clicks: z.number().int(),
      created_at: z.string(),
      conversion_rate: z.number().describe('Conversions in the window per 100 clicks in the window, two decimals'),
    })),
    browser_breakdown: counts,
    os_breakdown: counts,
    hourly_distribution: counts.describe('Clicks per UTC hour "0".."23"'),
    day_of_week_distribution: counts.describe('Clicks per UTC day of week "0" (Sunday) .. "6"'),
    insights: z.object({
      peak_hour: z.number().int().nullable(),
      peak_day: z.number().int().nullable(),
      top_browser: z.string().nullable(),
      top_os: z.string().nullable(),
    }),
    day_names: z.record(z.string(), z.string()),
    bot_clicks: botClicks,
    previous,
  }),
});
