import { z } from 'zod';
import type { PackageExportSpec } from '../queues/export-spec';
import { answerWhenDone, sendStoredFile } from './job-respond';
import { startJob } from '../domain/jobs/start-job';
import type { ExportResult } from '../queues/export-spec';
import { ApiError } from './errors';
import type { ApiRouter } from './route';
import { daysEndingToday } from '../lib/days';
import { queryInt, singleLine } from '../lib/schemas';

const exportQuery = z.object({
  format: z.enum(['json', 'csv'], { error: 'must be json or csv' }).optional(),
  days: queryInt(1, 365).optional(),
});

/**
 * The pkglnk window: from midnight UTC `days` days before today to the last second of today,
 * as the seed's example shows (days=30 on 2025-01-07 → 2024-12-08T00:00:00.000Z …
 * 2025-01-07T23:59:59.000Z). Fixed here, so a retried job exports the same window.
 */
export function exportWindow(days: number, now = new Date()): { startDate: string; endDate: string } {
  const { start, end } = daysEndingToday(days + 1, now);
  return { startDate: start.toISOString(), endDate: new Date(end.getTime() - 1000).toISOString() };
}

export function registerPackageExportRoutes(api: ApiRouter): void {
  api.add({
    method: 'get',
    path: '/api/v1/packages/:slug/export',
    tag: 'Packages',
    summary: 'Export install events as JSON or CSV; runs as a job',
    auth: 'analytics:read',
    params: z.object({ slug: singleLine().min(1).max(200) }),
    query: exportQuery,
    responses: {
      200: { description: 'The export: the documented JSON document, or a CSV file download' },
      202: { description: 'The export is still being built; poll status_url', schema: z.object({ job_id: z.string(), status: z.string(), status_url: z.string() }) },
      400: { description: 'Invalid format or days' },
      404: { description: 'Package not found' },
    },
    handler: async ({ params, query, auth, res, services }) => {
      const pkg = (await services.db('packages').select('id', 'slug').where({ slug: params.slug, user_id: auth.user.id }).first()) as { id: number; slug: string } | undefined;
      if (!pkg) throw new ApiError(404, 'Package not found');
      const format = query.format ?? 'json';
      const days = query.days ?? 30;
      const window = exportWindow(days);
      const fileName = `${pkg.slug}-installs-${window.endDate.slice(0, 10)}.${format}`;
      const spec: PackageExportSpec = { kind: 'package', fileName, packageId: pkg.id, format, days, ...window };
      const runParams = { slug: pkg.slug, format, days, start_date: window.startDate, end_date: window.endDate };
      const run = await startJob(services, { userId: auth.user.id, kind: 'export-package', params: runParams }, 'build-export', (runId) => ({ runId, userId: auth.user.id, spec }));
      await answerWhenDone(services, res, run, async (finished) => {
        // JSON is the documented response body; CSV is a file download.
        await sendStoredFile(services, res, (finished.result as ExportResult).file_id, { attachment: format === 'csv' });
      });
    },
  });
}
