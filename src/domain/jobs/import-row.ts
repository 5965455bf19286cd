import { z } from 'zod';
import { createLinkBody } from '../links.schema';
import { formatIssues, singleLine } from '../../lib/schemas';

/**
 * One bulk-import CSV row → the fields of a new link, or the reasons it cannot be one.
 * CSV cells are text, so this file owns the CSV spelling of each column (booleans, tag lists,
 * times); the rules of the fields themselves (URL safety, short code format, lengths) are the
 * API's own: each converted row is checked as the body of POST /api/v1/links would be
 * (`createLinkBody`), so an import accepts exactly what that endpoint accepts.
 */

export const IMPORT_COLUMNS = [
  'destination_url', 'title', 'short_code', 'description', 'tags', 'active', 'password_protected',
  'password', 'scheduled_start_at', 'scheduled_end_at', 'expires_at',
  // The export's own columns beyond the documented ones, so an export imports back as it was.
  'utm_params', 'expires', 'archived', 'collection',
  'preview_title', 'preview_description', 'preview_image_url', 'append_click_id', 'domain',
] as const;

/** utm_params as the export writes it: a JSON object (its rules are createLinkBody's). */
const csvJsonObject = z.string().transform((v, ctx) => {
  try {
    return JSON.parse(v) as unknown;
  } catch {
    ctx.addIssue({ code: 'custom', message: 'Utm params must be a JSON object, e.g. {"utm_source":"news"}' });
    return z.NEVER;
  }
});

function csvBoolean(field: string) {
  return z
    .string()
    .transform((v) => v.toLowerCase())
    .refine((v) => ['true', 'false', '1', '0', 'yes', 'no'].includes(v), `${field} must be true or false`)
    .transform((v) => ['true', '1', 'yes'].includes(v));
}

/** ISO 8601: a time with a zone (2026-04-01T09:00:00Z) or a date (2026-04-01, midnight UTC). */
function csvTime(field: string) {
  return z
    .string()
    .refine((v) => z.iso.datetime({ offset: true }).safeParse(v).success || z.iso.date().safeParse(v).success, `${field} must be an ISO 8601 date or time, e.g. 2026-04-01T09:00:00Z`)
    .transform((v) => new Date(v.length === 10 ? `${v}T00:00:00Z` : v));
}

/** Tags are one cell: separated by commas (quote the cell) or semicolons. */
const csvTags = z.string().transform((v) => [...new Set(v.split(/[,;]/).map((t) => t.trim()).filter(Boolean))]);

const csvRow = z
  .object({
    description: z.string().max(2000, 'Description is too long (maximum is 2000 characters)').optional(),
    tags: csvTags.optional(),
    active: csvBoolean('Active').optional(),
    password_protected: csvBoolean('Password protected').optional(),
    password: z.string().max(128, 'Password is too long (maximum is 128 characters)').optional(),
    scheduled_start_at: csvTime('Scheduled start at').optional(),
    scheduled_end_at: csvTime('Scheduled end at').optional(),
    expires_at: csvTime('Expires at').optional(),
    utm_params: csvJsonObject.optional(),
    expires: csvBoolean('Expires').optional(),
    archived: csvBoolean('Archived').optional(),
    collection: singleLine('Collection').max(64, 'Collection is too long (maximum is 64 characters)').optional(),
    append_click_id: csvBoolean('Append click id').optional(),
  })
  .superRefine((row, ctx) => {
    if (row.password_protected === true && !row.password) ctx.addIssue({ code: 'custom', message: "Password can't be blank when the link is password protected" });
    if (row.password_protected === false && row.password) ctx.addIssue({ code: 'custom', message: 'Password is given but password protected is false' });
    if (row.scheduled_start_at && row.scheduled_end_at && row.scheduled_end_at <= row.scheduled_start_at) {
      ctx.addIssue({ code: 'custom', message: 'Scheduled end at must be after scheduled start at' });
    }
  });

export interface ImportLinkFields {
  destination_url: string;
  short_code?: string;
  title: string | null;
  description: string | null;
  tags: string[];
  active: boolean;
  /** Plain text until the worker hashes it; never stored or logged as is. */
  password?: string;
  scheduled_start_at: Date | null;
  scheduled_end_at: Date | null;
  expires: boolean;
  expires_at: Date | null;
  utm_params: Record<string, string>;
  archived: boolean;
  /** A collection slug of the importing user's, resolved when the row is written. */
  collection?: string;
  /** A hostname of one of the importing user's domains, resolved when the row is written; absent: the default domain. */
  domain?: string;
  preview_title: string | null;
  preview_description: string | null;
  preview_image_url: string | null;
  append_click_id: boolean;
}

export type RowOutcome = { ok: true; link: ImportLinkFields } | { ok: false; errors: string[] };

/** Trimmed cells, blanks dropped: an empty cell means "not given". */
function presentCells(raw: Record<string, unknown>): Record<string, string> {
  const cells: Record<string, string> = {};
  for (const column of IMPORT_COLUMNS) {
    const value = raw[column];
    if (typeof value === 'string' && value.trim() !== '') cells[column] = value.trim();
  }
  return cells;
}

export function validateImportRow(raw: Record<string, unknown>): RowOutcome {
  const cells = presentCells(raw);
  const row = csvRow.safeParse(cells);
  const typed = row.success ? row.data : undefined;
  // The shared field rules see the row as the JSON API would receive it.
  const shared = createLinkBody.safeParse({
    link: {
      destination_url: cells.destination_url,
      short_code: cells.short_code,
      title: cells.title,
      ...(typed?.description !== undefined ? { description: typed.description } : {}),
      ...(typed?.tags !== undefined ? { tags: typed.tags } : {}),
      ...(typed?.active !== undefined ? { active: typed.active } : {}),
      ...(typed?.scheduled_start_at ? { scheduled_start_at: typed.scheduled_start_at.toISOString() } : {}),
      ...(typed?.scheduled_end_at ? { scheduled_end_at: typed.scheduled_end_at.toISOString() } : {}),
      ...(typed?.expires_at ? { expires: typed.expires ?? true, expires_at: typed.expires_at.toISOString() } : {}),
      ...(typed?.expires !== undefined && !typed.expires_at ? { expires: typed.expires } : {}),
      ...(typed?.utm_params !== undefined ? { utm_params: typed.utm_params } : {}),
      ...(cells.preview_title !== undefined ? { preview_title: cells.preview_title } : {}),
      ...(cells.preview_description !== undefined ? { preview_description: cells.preview_description } : {}),
      ...(cells.preview_image_url !== undefined ? { preview_image_url: cells.preview_image_url } : {}),
      ...(cells.domain !== undefined ? { domain: cells.domain } : {}),
    },
    ...(typed?.password ? { password: typed.password } : {}),
  });
  const errors = [...(shared.success ? [] : formatIssues(shared.error)), ...(row.success ? [] : formatIssues(row.error))];
  if (!shared.success || !typed || errors.length > 0) return { ok: false, errors: [...new Set(errors)] };
  return {
    ok: true,
    link: {
      destination_url: shared.data.link.destination_url,
      ...(shared.data.link.short_code ? { short_code: shared.data.link.short_code } : {}),
      title: shared.data.link.title ?? null,
      description: typed.description ?? null,
      tags: typed.tags ?? [],
      active: typed.active ?? true,
      ...(typed.password ? { password: typed.password } : {}),
      scheduled_start_at: typed.scheduled_start_at ?? null,
      scheduled_end_at: typed.scheduled_end_at ?? null,
      expires: shared.data.link.expires ?? typed.expires_at !== undefined,
      expires_at: typed.expires_at ?? null,
      utm_params: shared.data.link.utm_params ?? {},
      archived: typed.archived ?? false,
      ...(typed.collection ? { collection: typed.collection } : {}),
      preview_title: shared.data.link.preview_title ?? null,
      preview_description: shared.data.link.preview_description ?? null,
      preview_image_url: shared.data.link.preview_image_url ?? null,
      append_click_id: typed.append_click_id ?? false,
      ...(shared.data.link.domain ? { domain: shared.data.link.domain } : {}),
    },
  };
}
