import type { Knex } from 'knex';
import { csvLine } from '../../lib/csv';
import { countRows, forEachBatch, type BatchProgress } from '../../db/cursor';
import type { FileWriter } from '../../db/file-store';
import type { PackageExportSpec } from '../../queues/export-spec';

/** The documented header of the pkglnk CSV export, in order. */
export const INSTALL_EXPORT_COLUMNS = ['id', 'timestamp', 'country_code', 'city', 'os', 'git_version', 'event_type', 'subpath', 'session_id'] as const;

const BATCH_ROWS = 1000;

interface ExportedInstall {
  id: string;
  timestamp: Date;
  country_code: string | null;
  city: string | null;
  os: string | null;
  git_version: string | null;
  event_type: string;
  subpath: string | null;
  session_id: string;
}

function installsQuery(trx: Knex.Transaction, spec: PackageExportSpec): Knex.QueryBuilder {
  return trx('install_events')
    .select(trx.raw('id::text AS id'), 'occurred_at as timestamp', 'country_code', 'city', 'os', 'git_version', 'event_type', 'subpath', 'session_id')
    .where({ package_id: spec.packageId })
    .where('occurred_at', '>=', spec.startDate)
    // endDate is the window's last whole second (…T23:59:59.000Z); the whole of it counts.
    .where('occurred_at', '<', new Date(Date.parse(spec.endDate) + 1000).toISOString())
    .orderBy([{ column: 'occurred_at' }, { column: 'id' }]);
}

function installObject(i: ExportedInstall): object {
  return { ...i, timestamp: i.timestamp.toISOString() };
}

/**
 * Streams one package's install events in the window into `file`, as the documented JSON
 * document or CSV. The JSON is written piecewise (head, one install at a time, tail) so it
 * never exists whole in memory; the count in its head comes from the same snapshot as the rows
 * (the caller's repeatable-read transaction).
 */
export async function writePackageExport(trx: Knex.Transaction, userId: number, spec: PackageExportSpec, file: FileWriter, progress: BatchProgress): Promise<number> {
  const pkg = (await trx('packages').select('slug', 'display_name').where({ id: spec.packageId, user_id: userId }).first()) as { slug: string; display_name: string } | undefined;
  if (!pkg) throw new Error(`Package ${spec.packageId} no longer exists`);
  const query = installsQuery(trx, spec);
  const n = await countRows(query);
  await progress(0, n);
  let done = 0;
  const told = async (rows: number) => {
    done += rows;
    await progress(done, n);
  };

  if (spec.format === 'csv') {
    await file.write(csvLine(INSTALL_EXPORT_COLUMNS));
    return forEachBatch<ExportedInstall>(trx, query, BATCH_ROWS, async (rows) => {
      await file.write(rows.map((r) => csvLine([r.id, r.timestamp, r.country_code, r.city, r.os, r.git_version, r.event_type, r.subpath, r.session_id])).join(''));
      await told(rows.length);
    });
  }

  const exportInfo = { format: 'json', days: spec.days, start_date: spec.startDate, end_date: spec.endDate, total_records: Number(n), exported_at: new Date().toISOString() };
  await file.write(`{"package":${JSON.stringify(pkg)},"export_info":${JSON.stringify(exportInfo)},"installs":[`);
  let first = true;
  const total = await forEachBatch<ExportedInstall>(trx, query, BATCH_ROWS, async (rows) => {
    const text = rows.map((r) => JSON.stringify(installObject(r))).join(',');
    const out = first ? text : `,${text}`;
    first = false;
    await file.write(out);
    await told(rows.length);
  });
  await file.write(']}');
  return total;
}
