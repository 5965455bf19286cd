import type { Knex } from 'knex';
import { importedRows, lockImportRun, recordImportedRows } from '../../db/import-row-store';
import { updateLinkRow, type LinkRow } from '../../db/link-store';
import { isUniqueViolation } from '../../db/pg-errors';
import { presentLink } from '../links.schema';
import { createLink, DOMAIN_MISSING, ownerDomainIds } from '../links';
import { linkCacheKey } from '../../lib/hostnames';
import { publishLinkInvalidation } from '../../queues/link-invalidation';
import { hashPassword } from '../../lib/secrets';
import type { Services } from '../../services';
import { DomainError } from '../errors';
import { emitWebhooks } from '../webhooks/emit';
import type { ImportLinkFields } from './import-row';

export interface PendingRow {
  row: number;
  link: ImportLinkFields;
}

/** What a row whose short code exists does (bulk_import's on_conflict). */
export type OnConflict = 'error' | 'skip' | 'update';

export interface ChunkOutcome {
  /** Row → link id, for every row of the chunk that has its link (now or from an earlier attempt). */
  created: Map<number, number>;
  failed: Array<{ row: number; errors: string[] }>;
  /** Rows left alone (on_conflict=skip) and rows that updated the caller's own link (update). */
  skipped: number[];
  updated: number[];
}

/** A chunk's outcome and the link cache keys of its chosen codes, to invalidate once it has committed. */
type WrittenChunk = ChunkOutcome & { cacheKeys: string[] };

const TAKEN = 'Short code has already been taken';
const NO_COLLECTION = 'Collection not found';

/** The user's collections among `slugs`, slug → id. */
async function collectionIds(trx: Knex.Transaction, userId: number, slugs: string[]): Promise<Map<string, number>> {
  if (slugs.length === 0) return new Map();
  const rows = (await trx('collections').select('id', 'slug').where({ user_id: userId }).whereRaw('slug = ANY(?)', [slugs])) as Array<{ id: number; slug: string }>;
  return new Map(rows.map((r) => [r.slug, r.id]));
}

/**
 * Codes in use among `keys` (a code on a domain) → the link holding each, keyed by linkCacheKey
 * (locked: an update must not interleave). Matched on the unique index's own expression.
 */
async function takenCodes(trx: Knex.Transaction, keys: Array<{ domainId: number | null; code: string }>): Promise<Map<string, { id: number; user_id: number }>> {
  if (keys.length === 0) return new Map();
  const rows = (await trx('links')
    .select('id', 'user_id', 'domain_id', 'short_code')
    .whereRaw('(COALESCE(domain_id, 0), short_code) IN (SELECT * FROM unnest(?::bigint[], ?::text[]))', [keys.map((k) => k.domainId ?? 0), keys.map((k) => k.code)])
    .forUpdate()) as Array<{ id: number; user_id: number; domain_id: number | null; short_code: string }>;
  return new Map(rows.map((r) => [linkCacheKey(r.domain_id, r.short_code), r]));
}

/** A row's domain: null for the default one, an id for one of the user's, undefined when it is not theirs. */
function domainIdOf(link: ImportLinkFields, domains: Map<string, number>): number | null | undefined {
  return link.domain === undefined ? null : domains.get(link.domain);
}

/**
 * Writes one chunk in one transaction. Rows done by an earlier attempt of the run are skipped
 * (the chunk's lock makes a concurrent attempt wait, then see them); taken short codes fail their
 * row up front. With `savepoints`, each row is wrapped in its own savepoint so a conflict
 * found only at insert time (a code taken concurrently) fails that row alone; without, such a
 * conflict aborts the whole chunk, which the caller then retries with savepoints.
 */
async function writeChunk(services: Services, trx: Knex.Transaction, userId: number, runId: string, chunk: PendingRow[], hashes: Array<string | null>, savepoints: boolean, onConflict: OnConflict): Promise<WrittenChunk> {
  await lockImportRun(trx, runId, chunk[0]?.row ?? 0);
  const created = await importedRows(trx, runId, chunk.map((p) => p.row));
  const domains = await ownerDomainIds(trx, userId, [...new Set(chunk.flatMap((p) => (p.link.domain ? [p.link.domain] : [])))]);
  // Every chosen code of the chunk, done earlier or not: an earlier attempt may have died before it told the caches.
  const cacheKeys = chunk.flatMap(({ link }) => {
    const domainId = domainIdOf(link, domains);
    return link.short_code && domainId !== undefined ? [linkCacheKey(domainId, link.short_code)] : [];
  });
  const todo = chunk.map((pending, i) => ({ ...pending, hash: hashes[i] ?? null, domainId: domainIdOf(pending.link, domains) })).filter((p) => !created.has(p.row));
  const taken = await takenCodes(trx, todo.flatMap(({ link, domainId }) => (link.short_code && domainId !== undefined ? [{ domainId, code: link.short_code }] : [])));
  const collections = await collectionIds(trx, userId, [...new Set(todo.flatMap((p) => (p.link.collection ? [p.link.collection] : [])))]);
  const failed: ChunkOutcome['failed'] = [];
  const skipped: number[] = [];
  const updated: number[] = [];
  const fresh: Array<{ row: number; link: LinkRow }> = [];
  for (const { row, link, hash, domainId } of todo) {
    const { password: _plain, collection, domain: _hostname, ...fields } = link;
    const collectionId = collection === undefined ? null : collections.get(collection);
    if (domainId === undefined || collectionId === undefined) {
      failed.push({ row, errors: [...(domainId === undefined ? [DOMAIN_MISSING] : []), ...(collectionId === undefined ? [NO_COLLECTION] : [])] });
      continue;
    }
    const holder = link.short_code ? taken.get(linkCacheKey(domainId, link.short_code)) : undefined;
    if (holder) {
      // Another user's code is never skipped past or overwritten: it is simply taken.
      if (onConflict === 'error' || holder.user_id !== userId) failed.push({ row, errors: [TAKEN] });
      else if (onConflict === 'skip') skipped.push(row);
      else {
        await updateLinkRow(trx, holder.id, { ...fields, collection_id: collectionId, ...(hash ? { password_hash: hash } : {}) });
        updated.push(row);
      }
      continue;
    }
    const insert = (db: Knex) => createLink(db, { ...fields, user_id: userId, password_hash: hash, collection_id: collectionId, domain_id: domainId });
    if (!savepoints) {
      fresh.push({ row, link: await insert(trx) });
      continue;
    }
    try {
      fresh.push({ row, link: await trx.transaction((sp) => insert(sp)) });
    } catch (err) {
      if (!(err instanceof DomainError) || err.kind !== 'invalid') throw err;
      failed.push({ row, errors: err.errors ?? [err.message] });
    }
  }
  // Recorded in the links' own transaction, with their link.created deliveries: committed
  // together, or not at all, so a retried chunk neither creates nor announces a link twice.
  await recordImportedRows(trx, runId, fresh.map(({ row, link }) => ({ row, linkId: link.id })));
  const base = services.config.publicBaseUrl;
  const hostnames = new Map([...domains].map(([hostname, id]) => [id, hostname]));
  await emitWebhooks(services, fresh.map(({ link }) => ({ userId, event: 'link.created' as const, data: { link: presentLink(link, base, hostnames) } })), { trx });
  for (const { row, link } of fresh) created.set(row, link.id);
  return { created, failed, skipped, updated, cacheKeys };
}

export async function importChunk(services: Services, userId: number, runId: string, chunk: PendingRow[], onConflict: OnConflict = 'error'): Promise<ChunkOutcome> {
  const hashes = await Promise.all(chunk.map((p) => (p.link.password ? hashPassword(p.link.password) : null)));
  let written: WrittenChunk;
  try {
    written = await services.db.transaction((trx) => writeChunk(services, trx, userId, runId, chunk, hashes, false, onConflict));
  } catch (err) {
    const conflict = (err instanceof DomainError && err.kind === 'invalid') || isUniqueViolation(err, 'links_short_code_unique');
    if (!conflict) throw err;
    written = await services.db.transaction((trx) => writeChunk(services, trx, userId, runId, chunk, hashes, true, onConflict));
  }
  const { cacheKeys, ...outcome } = written;
  // A chosen code looked up before the import may sit in a web process's cache as unknown.
  await publishLinkInvalidation(services, cacheKeys);
  return outcome;
}
