import type { Knex } from 'knex';
import { csvLine } from '../../lib/csv';
import { countRows, forEachBatch, type BatchProgress } from '../../db/cursor';
import { linkOrderBy, whereLinkMatches } from '../../db/link-store';
import type { FileWriter } from '../../db/file-store';
import type { LinkExportFilters } from '../../queues/export-spec';

/**
 * The documented columns of GET /api/v1/links/export, in order, then the ones bulk_import needs
 * to recreate a link (export → import round-trips; the collection by its slug, the custom domain
 * by its hostname, empty for the default domain). Passwords never leave: a protected link's row
 * needs its password added before it is imported again.
 */
export const LINK_EXPORT_COLUMNS = [
  'short_url', 'destination_url', 'short_code', 'title', 'description', 'tags', 'click_count', 'active',
  'archived', 'password_protected', 'expires_at', 'created_at',
  'utm_params', 'scheduled_start_at', 'scheduled_end_at', 'expires', 'collection',
  'preview_title', 'preview_description', 'preview_image_url', 'append_click_id', 'domain',
] as const;

const BATCH_ROWS = 1000;

interface ExportedLink {
  short_code: string;
  destination_url: string;
  title: string | null;
  description: string | null;
  tags: string[];
  click_count: number;
  active: boolean;
  archived: boolean;
  password_protected: boolean;
  expires_at: Date | null;
  created_at: Date;
  utm_params: Record<string, string>;
  scheduled_start_at: Date | null;
  scheduled_end_at: Date | null;
  expires: boolean;
  collection: string | null;
  preview_title: string | null;
  preview_description: string | null;
  preview_image_url: string | null;
  append_click_id: boolean;
  /** A custom domain's hostname (its short_url's host); null: the default domain. */
  domain: string | null;
}

function linksQuery(trx: Knex.Transaction, userId: number, filters: LinkExportFilters): Knex.QueryBuilder {
  const query = trx('links')
    .select('short_code', 'destination_url', 'title', 'description', 'tags', 'click_count', 'active', 'archived', 'expires_at', 'created_at')
    .select('utm_params', 'scheduled_start_at', 'scheduled_end_at', 'expires', 'preview_title', 'preview_description', 'preview_image_url', 'append_click_id')
    .select(trx.raw('(SELECT hostname FROM domains d WHERE d.id = links.domain_id) AS domain'))
    .select(trx.raw('(SELECT slug FROM collections c WHERE c.id = links.collection_id) AS collection'))
    .select(trx.raw('password_hash IS NOT NULL AS password_protected'))
    .where({ 'links.user_id': userId });
  if (filters.sort || filters.order) query.orderByRaw(linkOrderBy(filters.sort, filters.order, 'created_at'));
  else query.orderBy('id');
  whereLinkMatches(query, { search: filters.q?.trim() || undefined, tag: filters.tag?.trim() || undefined });
  if (filters.active !== undefined) query.where({ 'links.active': filters.active });
  if (filters.archived !== undefined) query.where({ 'links.archived': filters.archived });
  if (filters.collection_id !== undefined) query.where({ 'links.collection_id': filters.collection_id });
  if (filters.created_after) query.where('links.created_at', '>', filters.created_after);
  if (filters.created_before) query.where('links.created_at', '<', filters.created_before);
  return query;
}

/** Streams the user's links, filtered, into `file` as CSV, telling `progress` per batch; returns the number of links. */
export async function writeLinksCsv(trx: Knex.Transaction, publicBaseUrl: string, userId: number, filters: LinkExportFilters, file: FileWriter, progress: BatchProgress): Promise<number> {
  const query = linksQuery(trx, userId, filters);
  const total = await countRows(query);
  await progress(0, total);
  await file.write(csvLine(LINK_EXPORT_COLUMNS));
  let done = 0;
  const scheme = new URL(publicBaseUrl).protocol;
  return forEachBatch<ExportedLink>(trx, query, BATCH_ROWS, async (links) => {
    const text = links
      .map((l) => csvLine([`${l.domain === null ? publicBaseUrl : `${scheme}//${l.domain}`}/${l.short_code}`, l.destination_url, l.short_code, l.title, l.description, l.tags.join(', '), l.click_count, l.active, l.archived, l.password_protected, l.expires_at, l.created_at,
        Object.keys(l.utm_params).length > 0 ? JSON.stringify(l.utm_params) : '', l.scheduled_start_at, l.scheduled_end_at, l.expires, l.collection,
        l.preview_title, l.preview_description, l.preview_image_url, l.append_click_id, l.domain]))
      .join('');
    await file.write(text);
    done += links.length;
    await progress(done, total);
  });
}
