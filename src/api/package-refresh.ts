import { z } from 'zod';
import { findOwnedPackage } from '../db/package-stats-store';
import { queueMetadataRefresh } from '../domain/package-metadata';
import { ApiError } from './errors';
import { slugParams } from './package-analytics.schema';
import type { ApiRouter } from './route';

const refreshQueued = z.object({ queued: z.literal(true), slug: z.string() });

/** pkglnk POST /api/v1/packages/:slug/refresh: read the package's metadata from its upstream again now (the dashboard's "refresh"). */
export function registerPackageRefreshRoutes(api: ApiRouter): void {
  api.add({
    method: 'post',
    path: '/api/v1/packages/:slug/refresh',
    tag: 'Packages',
    summary: "Refresh a package's metadata (package.json, README, stars) from its upstream",
    auth: 'packages:write',
    params: slugParams,
    responses: {
      202: { description: 'A refresh is queued; metadata_fetched_at and metadata_error tell when it ran and how it went', schema: refreshQueued },
      404: { description: 'No such package among yours' },
      503: { description: 'The job queue is unavailable; try again shortly' },
    },
    handler: async ({ params, auth, res, services }) => {
      const pkg = await findOwnedPackage(services.db, auth.user.id, params.slug);
      if (!pkg) throw new ApiError(404, 'Package not found');
      if (!(await queueMetadataRefresh(services, pkg.id))) throw new ApiError(503, 'The job queue is unavailable; try again shortly');
      res.status(202).json({ queued: true, slug: pkg.slug });
    },
  });
}
