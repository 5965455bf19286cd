import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Response } from 'express';
import { ApiError } from './errors';
import { findFile, readFileChunks } from '../db/file-store';
import { findRun, type JobRun } from '../db/job-store';
import type { Services } from '../services';
import { LINK_SIDE_KINDS } from '../lib/job-kinds';
import { waitForRun } from '../domain/jobs/wait';

/** Where a run's status is polled: link-side jobs under /api/v1/jobs, package exports on the pkglnk surface. */
export function statusPath(run: Pick<JobRun, 'id' | 'kind' | 'params'>): string {
  if (LINK_SIDE_KINDS.includes(run.kind)) return `/api/v1/jobs/${run.id}`;
  const slug = typeof run.params.slug === 'string' ? run.params.slug : '';
  return `/api/v1/packages/${encodeURIComponent(slug)}/export/jobs/${run.id}`;
}

export function statusUrl(services: Services, run: Pick<JobRun, 'id' | 'kind' | 'params'>): string {
  return `${services.config.publicBaseUrl}${statusPath(run)}`;
}

/** The 202 body: PVTLNK's success flag on the link side; pkglnk bodies carry no flag. */
function acceptedBody(services: Services, run: JobRun, status: string): object {
  const body = { job_id: run.id, status, status_url: statusUrl(services, run) };
  return LINK_SIDE_KINDS.includes(run.kind) ? { success: true, ...body } : body;
}

/**
 * Waits up to the bound for the run. Finished in time: `onCompleted` answers in the endpoint's
 * documented format. Still going: 202 Accepted with the status URL (also in Location).
 */
export async function answerWhenDone(services: Services, res: Response, run: JobRun, onCompleted: (finished: JobRun) => Promise<void>): Promise<void> {
  const status = await waitForRun(services, run.id);
  if (status === 'failed') throw new ApiError(500, 'The job failed; please try again');
  if (status === 'completed') {
    const finished = await findRun(services.db, run.id);
    if (finished) return onCompleted(finished);
  }
  res.status(202).location(statusUrl(services, run)).json(acceptedBody(services, run, status));
}

/** A file name safe inside a quoted Content-Disposition parameter. */
function safeFileName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '-');
}

/**
 * Streams a stored file, one chunk at a time with backpressure; a client that goes away stops
 * the reading. `attachment` adds Content-Disposition with the file's name.
 */
export async function sendStoredFile(services: Services, res: Response, fileId: string, options: { attachment: boolean }): Promise<void> {
  const file = await findFile(services.db, fileId);
  if (!file) throw new ApiError(404, 'The file has expired');
  res.status(200);
  res.setHeader('Content-Type', file.content_type);
  res.setHeader('Content-Length', String(file.byte_size));
  if (options.attachment) res.setHeader('Content-Disposition', `attachment; filename="${safeFileName(file.file_name)}"`);
  try {
    await pipeline(Readable.from(readFileChunks(services.db, file)), res);
  } catch (err) {
    // The client went away mid-download: nothing to answer, nothing worth an error log.
    if ((err as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE') return;
    throw err;
  }
}
