import { randomUUID } from 'node:crypto';
import { JOB_RETENTION_MS, type JobKind, type JobStatus } from '../lib/job-kinds';
import type { Db } from './knex';

/** One run of a heavy job, as the status endpoints and processors see it (input excluded). */
export interface JobRun {
  id: string;
  user_id: number;
  kind: JobKind;
  status: JobStatus;
  params: Record<string, unknown>;
  result: unknown;
  error: string | null;
  attempts: number;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  expires_at: Date;
  /** Units done out of progress_total (an import's rows); null until the job reports. */
  progress_done: number | null;
  progress_total: number | null;
}

const RUN_COLUMNS = ['id', 'user_id', 'kind', 'status', 'params', 'result', 'error', 'attempts', 'created_at', 'started_at', 'finished_at', 'expires_at', 'progress_done', 'progress_total'];

export interface NewRun {
  userId: number;
  kind: JobKind;
  params?: object;
  /** Encrypted by the caller (it may hold link passwords); cleared when the run ends. */
  input?: string;
}

export async function createRun(db: Db, run: NewRun): Promise<JobRun> {
  const [row] = await db('job_runs')
    .insert({
      id: randomUUID(),
      user_id: run.userId,
      kind: run.kind,
      params: JSON.stringify(run.params ?? {}),
      input: run.input ?? null,
      expires_at: new Date(Date.now() + JOB_RETENTION_MS),
    })
    .returning(RUN_COLUMNS);
  return row as JobRun;
}

/** Tenancy: a run is only found with its owner, and an expired run is gone even before pruning. */
export async function findUserRun(db: Db, userId: number, id: string): Promise<JobRun | undefined> {
  return db('job_runs').select(RUN_COLUMNS).where({ id, user_id: userId }).where('expires_at', '>', db.fn.now()).first();
}

/** A user's live runs of the given kinds, newest first, without their (possibly large) results. */
export async function listUserRuns(db: Db, userId: number, kinds: readonly JobKind[], limit: number): Promise<JobRun[]> {
  return db('job_runs')
    .select(RUN_COLUMNS.filter((c) => c !== 'result'))
    .where({ user_id: userId })
    .whereIn('kind', kinds)
    .where('expires_at', '>', db.fn.now())
    .orderBy('created_at', 'desc')
    .limit(limit);
}

export async function findRun(db: Db, id: string): Promise<JobRun | undefined> {
  return db('job_runs').select(RUN_COLUMNS).where({ id }).first();
}

export async function runStatus(db: Db, id: string): Promise<JobStatus | undefined> {
  const row = await db('job_runs').select('status').where({ id }).first();
  return (row as { status: JobStatus } | undefined)?.status;
}

/**
 * Marks a run as running for this attempt. A run that already finished (a duplicate delivery
 * after completion) or was pruned yields undefined: there is nothing left to do.
 */
export async function claimRun(db: Db, id: string): Promise<JobRun | undefined> {
  const [row] = await db('job_runs')
    .where({ id })
    .whereIn('status', ['queued', 'running'])
    .update({ status: 'running', started_at: db.raw('coalesce(started_at, now())'), attempts: db.raw('attempts + 1') })
    .returning(RUN_COLUMNS);
  return row as JobRun | undefined;
}

export async function loadRunInput(db: Db, id: string): Promise<string | null> {
  const row = await db('job_runs').select('input').where({ id }).first();
  return (row as { input: string | null } | undefined)?.input ?? null;
}

/** Records how far a running run is; a finished run keeps its last figures. */
export async function reportProgress(db: Db, id: string, done: number, total: number): Promise<void> {
  await db('job_runs').where({ id, status: 'running' }).update({ progress_done: done, progress_total: total });
}

/** True when this call finished the run; false when another attempt had already finished it. */
export async function completeRun(db: Db, id: string, result: unknown): Promise<boolean> {
  const updated = await db('job_runs')
    .where({ id, status: 'running' })
    .update({ status: 'completed', result: JSON.stringify(result), error: null, input: null, finished_at: db.fn.now() });
  return updated === 1;
}

export async function failRun(db: Db, id: string, message: string): Promise<void> {
  await db('job_runs')
    .where({ id })
    .whereIn('status', ['queued', 'running'])
    .update({ status: 'failed', error: message, input: null, finished_at: db.fn.now() });
}

export async function deleteRun(db: Db, id: string): Promise<void> {
  await db('job_runs').where({ id }).delete();
}

/**
 * Deletes expired runs and files (their chunks and import rows go by cascade), a batch per
 * statement so no single transaction grows with the backlog.
 */
export async function pruneExpired(db: Db, batchSize = 100): Promise<{ runs: number; files: number }> {
  let files = 0;
  let runs = 0;
  for (;;) {
    const n = await db('job_files').whereIn('id', db('job_files').select('id').where('expires_at', '<=', db.fn.now()).limit(batchSize)).delete();
    files += n;
    if (n < batchSize) break;
  }
  for (;;) {
    const n = await db('job_runs').whereIn('id', db('job_runs').select('id').where('expires_at', '<=', db.fn.now()).limit(batchSize)).delete();
    runs += n;
    if (n < batchSize) break;
  }
  return { runs, files };
}
