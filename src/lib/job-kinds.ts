import { DAY_MS } from './days';

/**
 * The kinds of heavy job a user can start, and what the status endpoints need to know about
 * each: which surface (and so which polling path and envelope) it belongs to.
 */
export const JOB_KINDS = ['import-links', 'export-links', 'export-package'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

export const JOB_STATUSES = ['queued', 'running', 'completed', 'failed'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** Link-side jobs are polled at /api/v1/jobs/:id; package exports on the pkglnk surface. */
export const LINK_SIDE_KINDS: readonly JobKind[] = ['import-links', 'export-links'];

/** How long a run, its result and its file stay available after the run was started. */
export const JOB_RETENTION_MS = DAY_MS;

export function isFinished(status: JobStatus): boolean {
  return status === 'completed' || status === 'failed';
}
