import { z } from 'zod';
import { MAX_IMPORT_ROWS, readHeader, roughRowCount } from '../domain/jobs/import-csv';
import { linkObject, listLinksQuery } from '../domain/links.schema';
import { document, queryInt, singleLine } from '../lib/schemas';

/** Request and response schemas of the link side's heavy endpoints: bulk import and CSV export. */

export const IMPORT_BODY_LIMIT = '16mb';

export const bulkImportBody = z.object({
  csv: document('Csv', { error: "Csv can't be blank" })
    .refine((csv) => csv.trim().length > 0, "Csv can't be blank")
    .refine((csv) => readHeader(csv).includes('destination_url'), 'Csv must start with a header row naming its columns, including destination_url')
    .refine((csv) => /[\r\n]/.test(csv.trim()), 'Csv has a header row but no rows to import')
    .refine((csv) => roughRowCount(csv) <= MAX_IMPORT_ROWS, `Csv has too many rows (maximum is ${MAX_IMPORT_ROWS.toLocaleString('en-US')} per import)`),
});

/** What a row whose short code already exists does: fail (the default), be skipped, or update the caller's own link. */
export const bulkImportQuery = z.object({
  on_conflict: z.enum(['error', 'skip', 'update'], 'On conflict must be error, skip or update').optional()
    .describe('A row whose short code exists: error (default: the row fails), skip, or update (only your own link; another user\'s code still fails)'),
});

export const importResponse = z.object({
  success: z.literal(true),
  created: z.number().int(),
  links: z.array(linkObject),
  errors: z.array(z.object({ row: z.number().int(), error: z.string(), errors: z.array(z.string()) })),
  summary: z.object({
    total_rows: z.number().int(), created: z.number().int(), failed: z.number().int(),
    skipped: z.number().int().optional().describe('With on_conflict=skip or update'),
    updated: z.number().int().optional().describe('With on_conflict=skip or update'),
  }),
});

export const acceptedResponse = z.object({ success: z.literal(true), job_id: z.string(), status: z.string(), status_url: z.string() })
  .meta({ id: 'JobAccepted', description: 'The job runs on; poll status_url' });

const booleanFilter = z.enum(['true', 'false', '1', '0'], { error: 'must be true or false' }).transform((v) => v === 'true' || v === '1');

/** ISO 8601 time with a zone, or a date (midnight UTC); normalised to an ISO instant. */
export function isoInstant(field: string) {
  return singleLine(field)
    .refine((v) => z.iso.datetime({ offset: true }).safeParse(v).success || z.iso.date().safeParse(v).success, `${field} must be an ISO 8601 date or time, e.g. 2026-01-31 or 2026-01-31T12:00:00Z`)
    .transform((v) => new Date(v.length === 10 ? `${v}T00:00:00Z` : v).toISOString());
}

export const linkExportQuery = z.object({
  active: booleanFilter.optional(),
  archived: booleanFilter.optional(),
  collection_id: queryInt(1, Number.MAX_SAFE_INTEGER).optional(),
  created_after: isoInstant('Created after').optional(),
  created_before: isoInstant('Created before').optional(),
  // The listing's search, tag and order, so an export holds exactly the links a listing finds.
  ...listLinksQuery.pick({ q: true, tag: true, sort: true, order: true }).shape,
});
