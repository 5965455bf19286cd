import { z } from 'zod';
import { findUserRun, listUserRuns, type JobRun } from '../db/job-store';
import { LINK_SIDE_KINDS } from '../lib/job-kinds';
import { reconcileRun } from '../domain/jobs/reconcile';
import { sendStoredFile, statusUrl } from './job-respond';
import type { Services } from '../services';
import type { ExportResult } from '../queues/export-spec';
import { ApiError } from './errors';
import type { ApiRouter } from './route';
import { singleLine } from '../lib/schemas';

/**
 * Polling heavy jobs. Link-side runs (bulk imports, link exports) answer at /api/v1/jobs/:id in
 * the PVTLNK envelope with scope links:read (an import's result is a list of links); package
 * exports answer on the pkglnk surface, at the status URL their 202 gave, with analytics:read.
 * Another user's run, an expired one, or one of the other surface is a 404.
 */

const jobId = z.uuid();

export const jobStatusFields = {
  job_id: z.string(),
  kind: z.string(),
  status: z.enum(['queued', 'running', 'completed', 'failed']),
  status_url: z.string(),
  download_url: z.string().nullable(),
  params: z.record(z.string(), z.unknown()),
  result: z.unknown().nullable(),
  error: z.string().nullable(),
  created_at: z.string(),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
  expires_at: z.string(),
  progress: z.object({ done: z.number().int(), total: z.number().int() }).meta({ id: 'JobProgress' }).nullable()
    .describe('Units done out of total (an import: rows), while it runs and after'),
};

/** A run as the pkglnk side answers it; the link side answers the same fields beside PVTLNK's success. */
const jobStatus = z.object(jobStatusFields).meta({ id: 'JobStatus', description: 'A heavy job (a bulk import or an export): where it stands and, once done, its result' });

function exportFile(run: JobRun): ExportResult | undefined {
  const result = run.result as Partial<ExportResult> | null;
  return run.status === 'completed' && typeof result?.file_id === 'string' ? (result as ExportResult) : undefined;
}

function presentRun(services: Services, run: JobRun) {
  const url = statusUrl(services, run);
  return {
    job_id: run.id,
    kind: run.kind,
    status: run.status,
    status_url: url,
    download_url: exportFile(run) ? `${url}/download` : null,
    params: run.params,
    result: run.result ?? null,
    error: run.error,
    created_at: run.created_at.toISOString(),
    started_at: run.started_at?.toISOString() ?? null,
    finished_at: run.finished_at?.toISOString() ?? null,
    expires_at: run.expires_at.toISOString(),
    progress: run.progress_total === null ? null : { done: run.progress_done ?? 0, total: run.progress_total },
  };
}

/**
 * A run in a list: the full presentation without params or result (an import's result can be
 * megabytes; fetch the run for those), download_url or started_at. The remaining keys keep their order.
 */
function summariseRun(services: Services, run: JobRun): object {
  const { download_url, params, result, started_at, ...summary } = presentRun(services, run);
  return summary;
}

async function findLinkSideRun(services: Services, userId: number, id: string): Promise<JobRun> {
  const run = await findUserRun(services.db, userId, id);
  if (!run || !LINK_SIDE_KINDS.includes(run.kind)) throw new ApiError(404, 'Job not found');
  return reconcileRun(services, run);
}

async function findPackageRun(services: Services, userId: number, slug: string, id: string): Promise<JobRun> {
  const run = await findUserRun(services.db, userId, id);
  if (!run || run.kind !== 'export-package' || run.params.slug !== slug) throw new ApiError(404, 'Export job not found');
  return reconcileRun(services, run);
}

/** 409 until the run has a file; a run that never makes one (an import) has none to download. */
function fileOf(run: JobRun): ExportResult {
  if (run.status === 'queued' || run.status === 'running') throw new ApiError(409, 'The job has not finished yet');
  const file = exportFile(run);
  if (!file) throw new ApiError(404, run.status === 'failed' ? 'The job failed and has no file' : 'This job has no file to download');
  return file;
}

export function registerJobRoutes(api: ApiRouter): void {
  api.add({
    method: 'get',
    path: '/api/v1/jobs',
    tag: 'Jobs',
    summary: 'Recent bulk imports and link exports (last 24 hours), newest first',
    auth: 'links:read',
    responses: {
      200: {
        description: 'Up to 50 jobs; a client whose request was cut off mid-wait finds its job here',
        schema: z.object({ success: z.literal(true), jobs: z.array(z.object({ job_id: z.string(), kind: z.string(), status: z.string(), status_url: z.string() }).loose()) }),
      },
    },
    handler: async ({ auth, res, services }) => {
      const runs = await listUserRuns(services.db, auth.user.id, LINK_SIDE_KINDS, 50);
      res.json({ success: true, jobs: runs.map((run) => summariseRun(services, run)) });
    },
  });

  api.add({
    method: 'get',
    path: '/api/v1/jobs/:id',
    tag: 'Jobs',
    summary: 'Status and result of a bulk import or link export',
    auth: 'links:read',
    params: z.object({ id: jobId }),
    responses: {
      200: { description: 'The job', schema: z.object({ success: z.literal(true), ...jobStatusFields }) },
      404: { description: 'No such job (or not yours, or expired)' },
    },
    handler: async ({ params, auth, res, services }) => {
      const run = await findLinkSideRun(services, auth.user.id, params.id);
      res.json({ success: true, ...presentRun(services, run) });
    },
  });

  api.add({
    method: 'get',
    path: '/api/v1/jobs/:id/download',
    tag: 'Jobs',
    summary: 'Download the file a finished export job built',
    auth: 'links:read',
    params: z.object({ id: jobId }),
    responses: {
      200: { description: 'The file', contentType: 'text/csv' },
      404: { description: 'No such job, or it has no file' },
      409: { description: 'The job has not finished yet' },
    },
    handler: async ({ params, auth, res, services }) => {
      const run = await findLinkSideRun(services, auth.user.id, params.id);
      await sendStoredFile(services, res, fileOf(run).file_id, { attachment: true });
    },
  });

  api.add({
    method: 'get',
    path: '/api/v1/packages/:slug/export/jobs/:id',
    tag: 'Packages',
    summary: 'Status of a package export that took longer than the request',
    auth: 'analytics:read',
    params: z.object({ slug: singleLine().min(1).max(200), id: jobId }),
    responses: {
      200: { description: 'The export job', schema: jobStatus },
      404: { description: 'No such export job' },
    },
    handler: async ({ params, auth, res, services }) => {
      const run = await findPackageRun(services, auth.user.id, params.slug, params.id);
      res.json(presentRun(services, run));
    },
  });

  api.add({
    method: 'get',
    path: '/api/v1/packages/:slug/export/jobs/:id/download',
    tag: 'Packages',
    summary: 'Download a finished package export (JSON or CSV)',
    auth: 'analytics:read',
    params: z.object({ slug: singleLine().min(1).max(200), id: jobId }),
    responses: {
      200: { description: 'The export file' },
      404: { description: 'No such export job' },
      409: { description: 'The export has not finished yet' },
    },
    handler: async ({ params, auth, res, services }) => {
      const run = await findPackageRun(services, auth.user.id, params.slug, params.id);
      await sendStoredFile(services, res, fileOf(run).file_id, { attachment: true });
    },
  });
}
