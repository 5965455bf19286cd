import type { Knex } from 'knex';
import { csvLine } from '../../lib/csv';
import { forEachBatch } from '../../db/cursor';
import { linkOrderBy, whereLinkMatches } from '../../db/link-store';
import type { FileWriter } from '../../db/file-store';
import type { LinkExportFilters } from '../../queues/export-spec';

/** The documented columns of GET /api/v1/links/export, in order. */
export const LINK_EXPORT_COLUMNS = [
  'short_url', 'destination_url', 'short_code', 'title', 'description', 'tags', 'click_count', 'active',
  'archived', 'password_protected', 'expires_at', 'created_at',
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
}

function linksQuery(trx: Knex.Transaction, userId: number, filters: LinkExportFilters): Knex.QueryBuilder {
  const query = trx('links')
    .select('short_code', 'destination_url', 'title', 'description', 'tags', 'click_count', 'active', 'archived', 'expires_at', 'created_at')
    .select(trx.raw('password_hash IS NOT NULL AS password_protected'))
    .where({ user_id: userId });
  if (filters.sort || filters.order) query.orderByRaw(linkOrderBy(filters.sort, filters.order, 'created_at'));
  else query.orderBy('id');
  whereLinkMatches(query, { search: filters.q?.trim() || undefined, tag: filters.tag?.trim() || undefined });
  if (filters.active !== undefined) query.where({ active: filters.active });
  if (filters.archived !== undefined) query.where({ archived: filters.archived });
  if (filters.collection_id !== undefined) query.where({ collection_id: filters.collection_id });
  if (filters.created_after) query.where('created_at', '>', filters.created_after);
  if (filters.created_before) query.where('created_at', '<', filters.created_before);
  return query;
}

/** Streams the user's links, filtered, into `file` as CSV; returns the number of links. */
export async function writeLinksCsv(trx: Knex.Transaction, publicBaseUrl: string, userId: number, filters: LinkExportFilters, file: FileWriter): Promise<number> {
  await file.write(csvLine(LINK_EXPORT_COLUMNS));
  return forEachBatch<ExportedLink>(trx, linksQuery(trx, userId, filters), BATCH_ROWS, async (links) => {
    const text = links
      .map((l) => csvLine([`${publicBaseUrl}/${l.short_code}`, l.destination_url, l.short_code, l.title, l.description, l.tags.join(', '), l.click_count, l.active, l.archived, l.password_protected, l.expires_at, l.created_at]))
      .join('');
    await file.write(text);
  });
}
