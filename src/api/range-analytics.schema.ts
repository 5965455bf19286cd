import { z } from 'zod';
import { singleLine } from '../lib/schemas';
import { DAY_MS } from '../lib/days';

/** GET /api/v1/analytics/range: the dashboard's analytics for any date range, with the previous period beside it. */

function date(field: string) {
  return singleLine(field, { error: `${field} can't be blank: send a date YYYY-MM-DD` })
    .regex(/^\d{4}-\d{2}-\d{2}$/, `${field} must be a date YYYY-MM-DD`)
    .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)), `${field} must be a real date`);
}
const value = singleLine().min(1, "can't be blank").max(200, 'is too long (maximum is 200 characters)');
const LINK_ID = 'Link id must be a whole number';
const COLLECTION_ID = 'Collection id must be a whole number';

export const rangeQuery = z.strictObject({
  from: date('From').optional().describe('First UTC day of the range (included); with to, instead of last'),
  to: date('To').optional().describe('Last UTC day of the range (included)'),
  last: z.enum(['24h'], { error: 'Last must be 24h' }).optional()
    .describe('24h: the last 24 hours by the hour (ending with the current hour), instead of from and to'),
  link_id: singleLine('Link id').regex(/^\d{1,15}$/, LINK_ID).transform(Number).refine((n) => n > 0, LINK_ID).optional().describe('Only this link'),
  collection_id: singleLine('Collection id').regex(/^\d{1,15}$/, COLLECTION_ID).transform(Number).refine((n) => n > 0, COLLECTION_ID).optional()
    .describe("Only the links filed in this collection; installs only of the collection's packages"),
  compare: z.enum(['previous'], { error: 'Compare must be previous' }).optional()
    .describe('previous (the default, and the only choice): previous_totals and previous_clicks hold the period of as many days just before'),
  country: value.optional().describe('Only clicks from this ISO country code'),
  device: value.optional().describe('Only clicks from this device type'),
  browser: value.optional().describe('Only clicks from this browser family'),
  os: value.optional().describe('Only clicks from this OS family'),
  referrer: value.optional().describe('Only clicks referred by this domain'),
}).refine((q) => (q.last !== undefined ? q.from === undefined && q.to === undefined : q.from !== undefined && q.to !== undefined),
  { message: 'From and to are both required, or last=24h instead of them', path: ['from'] })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'From must not be after to', path: ['from'] })
  .refine((q) => !q.from || !q.to || (Date.parse(q.to) - Date.parse(q.from)) / DAY_MS < 3660, { message: 'The range may span at most 3,660 days', path: ['to'] });

const totals = z.object({
  clicks: z.number().int(),
  unique_visitors: z.number().int(),
  conversions: z.number().int(),
  installs: z.number().int().describe("Installs of all your packages, or of the collection's with collection_id (not narrowed by link or click filters)"),
  bot_clicks: z.number().int().describe('Clicks judged to be bots in the same view, which no other figure includes'),
}).meta({ id: 'RangeTotals' });

const ranked = z.array(z.object({ key: z.string(), clicks: z.number().int() }).meta({ id: 'RankedClicks', description: 'Clicks of one value (a country, device, browser, OS or referrer)' }));

export const rangeResponse = z.object({
  success: z.literal(true),
  range: z.object({
    from: z.string(),
    to: z.string(),
    days: z.number().int(),
    previous_from: z.string().describe('The previous period: as many days, ending the day before from'),
    previous_to: z.string(),
    granularity: z.enum(['hour', 'day']).describe('hour when the range is at most two days, or last=24h'),
    start: z.string().describe('The instant the range starts (included), ISO 8601'),
    end: z.string().describe('The instant the range ends (excluded), ISO 8601'),
    previous_start: z.string(),
    previous_end: z.string(),
  }),
  totals,
  previous_totals: totals,
  series: z.array(z.object({
    bucket: z.string().describe('YYYY-MM-DD, or YYYY-MM-DDTHH (UTC) for hours'),
    clicks: z.number().int(),
    previous_clicks: z.number().int().describe('Clicks in the same position of the previous period'),
    conversions: z.number().int().describe('Conversions in the bucket (narrowed by link_id only)'),
  })),
  breakdowns: z.object({ country: ranked, device: ranked, browser: ranked, os: ranked, referrer: ranked }),
  heatmap: z.array(z.array(z.number().int())).describe('Clicks per [UTC weekday 0 = Sunday][UTC hour 0..23]'),
  top_links: z.array(z.object({ id: z.number().int(), short_code: z.string(), title: z.string().nullable(), clicks: z.number().int() })),
});
