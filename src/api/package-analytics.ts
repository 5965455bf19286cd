import { installWindow } from '../db/install-rollup-store';
import { findOwnedPackage, packageSummary } from '../db/package-stats-store';
import { ApiError } from './errors';
import { analyticsPeriod, analyticsQuery, analyticsSummary, DEFAULT_DAYS, packageAnalytics, slugParams } from './package-analytics.schema';
import type { ApiRouter } from './route';

/** pkglnk install analytics: one package over a period (from the daily rollups), and the account summary. */
export function registerPackageAnalyticsRoutes(api: ApiRouter): void {
  api.add({
    method: 'get',
    path: '/api/v1/packages/:slug/analytics',
    tag: 'Package analytics',
    summary: 'Install analytics of one package',
    auth: 'analytics:read',
    params: slugParams,
    query: analyticsQuery,
    responses: {
      200: { description: 'Installs per day, totals and breakdowns over the period', schema: packageAnalytics },
      400: { description: 'days is not a whole number from 1 to 365' },
      404: { description: 'No such package among yours' },
    },
    handler: async ({ params, query, auth, res, services }) => {
      const pkg = await findOwnedPackage(services.db, auth.user.id, params.slug);
      if (!pkg) throw new ApiError(404, 'Package not found');
      const period = analyticsPeriod(query.days ?? DEFAULT_DAYS, new Date());
      const window = await installWindow(services.db, pkg.id, period.dates[0] as string, period.dates[period.dates.length - 1] as string);
      res.json({
        package: { slug: pkg.slug, display_name: pkg.display_name },
        period: { days: period.days, start: period.start, end: period.end },
        totals: { installs: window.installs, unique_ips: window.uniqueIps },
        daily: period.dates.map((date) => ({ date, installs: window.daily.get(date) ?? 0 })),
        by_os: window.byOs,
        by_country: window.byCountry,
        by_source: window.bySource,
      });
    },
  });

  api.add({
    method: 'get',
    path: '/api/v1/analytics/summary',
    tag: 'Package analytics',
    summary: 'Install totals across all your packages',
    auth: 'analytics:read',
    responses: {
      200: { description: 'Totals and the ten most installed packages', schema: analyticsSummary },
    },
    handler: async ({ auth, res, services }) => {
      res.json(await packageSummary(services.db, auth.user.id));
    },
  });
}
