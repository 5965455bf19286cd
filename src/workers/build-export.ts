import type { Job } from 'bullmq';
import { FileWriter } from '../db/file-store';
import { completeRun, reportSideProgress } from '../db/job-store';
import { writeLinksCsv } from '../domain/jobs/export-links';
import { writePackageExport } from '../domain/jobs/export-package';
import { RunAlreadyFinished, runJob } from './run-job';
import type { ExportResult } from '../queues/export-spec';
import type { JobPayloads } from '../queues/registry';
import type { Services } from '../services';

export const CSV_TYPE = 'text/csv; charset=utf-8';
export const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * Builds an export file. Rows, file and the run's completion are written in one
 * repeatable-read transaction: the file appears complete or not at all, a crashed attempt
 * leaves nothing behind, and an attempt that loses a race to another rolls its copy back.
 */
export async function buildExport(services: Services, data: JobPayloads['build-export'], job?: Job): Promise<ExportResult | undefined> {
  const { spec } = data;
  return runJob(services, data.runId, job, (run) =>
    services.db.transaction(
      async (trx) => {
        const contentType = spec.kind === 'package' && spec.format === 'json' ? JSON_TYPE : CSV_TYPE;
        const file = await FileWriter.create(trx, { runId: run.id, userId: data.userId, fileName: spec.fileName, contentType, expiresAt: run.expires_at });
        // Outside the transaction, so the status URL shows rows done while the file is written.
        const progress = (done: number, total: number) => reportSideProgress(services.db, run.id, done, total);
        const rowCount = spec.kind === 'links'
          ? await writeLinksCsv(trx, services.config.publicBaseUrl, data.userId, spec.filters, file, progress)
          : await writePackageExport(trx, data.userId, spec, file, progress);
        const stored = await file.finish();
        const result: ExportResult = { file_id: stored.id, file_name: stored.file_name, content_type: stored.content_type, byte_size: stored.byte_size, row_count: rowCount };
        if (!(await completeRun(trx, run.id, result))) throw new RunAlreadyFinished(run.id);
        return result;
      },
      { isolationLevel: 'repeatable read' },
    ),
  );
}
