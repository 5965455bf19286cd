import { z } from 'zod';
import { LOOKUP_SLUG } from '../db/package-stats-store';
import { daysEndingToday, daysOf } from '../lib/days';
import { singleLine } from '../lib/schemas';

/** Request and response shapes of the pkglnk analytics endpoints (seed: pkglnk-api-v1). */

export const DEFAULT_DAYS = 30;
export const MAX_DAYS = 365;

const DAYS_MESSAGE = `must be a whole number from 1 to ${MAX_DAYS}`;

export const analyticsQuery = z.object({
  days: singleLine()
    .regex(/^\d{1,4}$/, DAYS_MESSAGE)
    .transform(Number)
    .pipe(z.number().int().min(1, DAYS_MESSAGE).max(MAX_DAYS, DAYS_MESSAGE))
    .optional()
    .describe(`Days to include, 1-${MAX_DAYS} (default ${DEFAULT_DAYS})`),
});

export const slugParams = z.object({ slug: singleLine().regex(LOOKUP_SLUG) });

const counts = z.record(z.string(), z.number().int());

export const packageAnalytics = z.object({
  package: z.object({ slug: z.string(), display_name: z.string() }),
  period: z.object({ days: z.number().int(), start: z.string(), end: z.string() }),
  totals: z.object({ installs: z.number().int(), unique_ips: z.number().int() }),
  daily: z.array(z.object({ date: z.string(), installs: z.number().int() })),
  by_os: counts,
  by_country: counts,
  /** Additive: installs by where they came from (direct, pkglnk-unity-window, pkglnk-web, unspecified). */
  by_source: counts,
});

export const analyticsSummary = z.object({
  total_packages: z.number().int(),
  total_installs: z.number().int(),
  total_unique_ips: z.number().int(),
  top_packages: z.array(z.object({ slug: z.string(), installs: z.number().int() })),
});

export interface AnalyticsPeriod {
  days: number;
  /** 00:00:00Z of the first day, e.g. 2024-12-08T00:00:00Z */
  start: string;
  /** 23:59:59Z of today */
  end: string;
  /** Every UTC day from the first to today, 'YYYY-MM-DD'. */
  dates: string[];
}

/**
 * The period of `?days=N`, as the seed's example draws it: days=30 on 2025-01-07 runs from
 * 2024-12-08T00:00:00Z to 2025-01-07T23:59:59Z — the N whole days before today, plus today so
 * far. `daily` lists each of those N + 1 dates.
 */
export function analyticsPeriod(days: number, now: Date): AnalyticsPeriod {
  const dates = daysOf(daysEndingToday(days + 1, now));
  return {
    days,
    start: `${dates[0]}T00:00:00Z`,
    end: `${dates[dates.length - 1]}T23:59:59Z`,
    dates,
  };
}
