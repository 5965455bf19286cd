import { requireFeature } from '../domain/feature-gate';
import { startJob } from '../domain/jobs/start-job';
import { encryptSecret } from '../lib/secrets';
import { answerWhenDone, sendStoredFile } from './job-respond';
import type { ExportResult } from '../queues/export-spec';
import { acceptedResponse, bulkImportBody, bulkImportQuery, IMPORT_BODY_LIMIT, importResponse, linkExportQuery } from './link-jobs.schema';
import type { ApiRouter } from './route';
import { utcDay } from '../lib/days';

/**
 * The link side's heavy endpoints. Both run as jobs on the workers and keep their documented
 * synchronous answers when the job finishes within the wait bound (src/domain/jobs/wait.ts); a longer
 * job answers 202 with a status URL. Registered before the links resource, whose /:id would
 * otherwise take "export" and "bulk_import" for ids.
 */
export function registerLinkJobRoutes(api: ApiRouter): void {
  api.add({
    method: 'post',
    path: '/api/v1/links/bulk_import',
    tag: 'Links',
    summary: 'Import links from CSV (Enterprise); runs as a job',
    auth: 'links:write',
    body: bulkImportBody,
    bodyLimit: IMPORT_BODY_LIMIT,
    csvField: 'csv',
    query: bulkImportQuery,
    responses: {
      200: { description: 'The import ran: links created, rows that failed and why', schema: importResponse },
      202: { description: 'The import is still running; poll status_url', schema: acceptedResponse },
      403: { description: 'Feature not available on your plan' },
      422: { description: 'The CSV itself is unusable (no header with destination_url, no rows, too many rows)' },
    },
    handler: async ({ body, query, auth, res, services }) => {
      requireFeature(auth.user.plan, 'bulk_import');
      const params = query.on_conflict ? { on_conflict: query.on_conflict } : undefined;
      const run = await startJob(services, { userId: auth.user.id, kind: 'import-links', input: encryptSecret(services.config.appSecret, body.csv), params }, 'import-links', (runId) => ({ runId }));
      await answerWhenDone(services, res, run, async (finished) => {
        res.status(200).json(finished.result);
      });
    },
  });

  api.add({
    method: 'get',
    path: '/api/v1/links/export',
    tag: 'Links',
    summary: 'Export links as CSV (pvtlnk-links-YYYY-MM-DD.csv); runs as a job',
    auth: 'links:read',
    query: linkExportQuery,
    responses: {
      200: { description: 'CSV file download', contentType: 'text/csv' },
      202: { description: 'The export is still being built; poll status_url', schema: acceptedResponse },
      400: { description: 'Invalid filter' },
    },
    handler: async ({ query, auth, res, services }) => {
      const fileName = `pvtlnk-links-${utcDay(new Date())}.csv`;
      const spec = { kind: 'links' as const, fileName, filters: query };
      const run = await startJob(services, { userId: auth.user.id, kind: 'export-links', params: query }, 'build-export', (runId) => ({ runId, userId: auth.user.id, spec }));
      await answerWhenDone(services, res, run, async (finished) => {
        await sendStoredFile(services, res, (finished.result as ExportResult).file_id, { attachment: true });
      });
    },
  });
}
