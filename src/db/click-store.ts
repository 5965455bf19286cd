import type { Knex } from 'knex';
import type { Db } from './knex';
import { arrayLiteral } from './array-literal';
import { reserveClickIds } from './click-id-store';
import { copyRows, type CopyValue } from './copy-rows';
import { isUniqueViolation } from './pg-errors';
import { addToRollups, findNewVisitors, type NewVisitors } from './rollup-increments';
import type { ClickTrigger } from '../lib/click-trigger';

export interface ClickRow {
  /** Set when the edge minted the id (append_click_id links); otherwise the sequence assigns it. */
  id?: number;
  event_id: string;
  link_id: number;
  user_id: number;
  variant_id: number | null;
  clicked_at: Date;
  /** 'qr' for a scan of the link's QR code, else 'link'. */
  trigger: ClickTrigger;
  /** The targeting rule that sent the click, if one did. */
  rule_id: number | null;
  hashed_ip: string;
  hashed_user_agent: string;
  referrer_domain: string | null;
  country_code: string | null;
  city: string | null;
  device_type: string | null;
  browser_family: string | null;
  os_family: string | null;
  is_bot: boolean;
}

/** A ClickRow as JSON (in a queued job): the derived values only, nothing raw. */
export type StoredClickJson = Omit<ClickRow, 'clicked_at' | 'trigger' | 'rule_id'> & { clicked_at: string; trigger?: ClickTrigger; rule_id?: number | null };

export function clickToJson(row: ClickRow): StoredClickJson {
  return { ...row, clicked_at: row.clicked_at.toISOString() };
}

export function clickFromJson(json: StoredClickJson): ClickRow {
  // Jobs stored before clicks had a trigger were all ordinary clicks.
  return { ...json, clicked_at: new Date(json.clicked_at), trigger: json.trigger ?? 'link', rule_id: json.rule_id ?? null };
}

export interface InsertedClick {
  id: number;
  event_id: string;
  link_id: number;
  user_id: number;
  variant_id: number | null;
  clicked_at: Date;
  is_bot: boolean;
}

/** What storeClicks learns before the insert, for the steps after it. */
export interface BeforeInsert {
  /** The batch's visitors with no counted click on the link that day before it (rollup-increments.ts). */
  newVisitors: NewVisitors;
}

/**
 * Work done in the insert's transaction with the rows actually inserted (a redelivered batch
 * yields none, so nothing moves twice). Add a step here to keep another counter exactly-once.
 * `batch` is what was written (the enriched rows), for steps that need more than the ids.
 */
export type AfterInsertStep = (trx: Knex.Transaction, inserted: InsertedClick[], batch: readonly ClickRow[], before: BeforeInsert) => Promise<void>;

const moveRollups: AfterInsertStep = (trx, inserted, batch, before) => addToRollups(trx, inserted, batch, before.newVisitors);

// Column order of the COPY and of the unnest insert; the casts give each array its element type.
// One reader per column, so each column is read by a call that always reads the same field.
const COLUMNS: Array<[keyof ClickRow, string, (c: ClickRow) => CopyValue]> = [
  ['event_id', 'uuid', (c) => c.event_id], ['link_id', 'bigint', (c) => c.link_id], ['user_id', 'bigint', (c) => c.user_id],
  ['variant_id', 'bigint', (c) => c.variant_id], ['clicked_at', 'timestamptz', (c) => c.clicked_at.toISOString()], ['trigger', 'text', (c) => c.trigger],
  ['rule_id', 'bigint', (c) => c.rule_id], ['hashed_ip', 'text', (c) => c.hashed_ip], ['hashed_user_agent', 'text', (c) => c.hashed_user_agent],
  ['referrer_domain', 'text', (c) => c.referrer_domain], ['country_code', 'text', (c) => c.country_code], ['city', 'text', (c) => c.city],
  ['device_type', 'text', (c) => c.device_type], ['browser_family', 'text', (c) => c.browser_family], ['os_family', 'text', (c) => c.os_family],
  ['is_bot', 'boolean', (c) => c.is_bot],
];

const COPY_COLUMNS = ['id', ...COLUMNS.map(([name]) => name)];
const READERS = COLUMNS.map(([, , read]) => read);

/** A click's fields in COPY_COLUMNS order, in one array per click (the hot loop of the insert). */
function copyRow(id: number, row: ClickRow): CopyValue[] {
  const fields = new Array<CopyValue>(READERS.length + 1);
  fields[0] = id;
  for (let i = 0; i < READERS.length; i++) fields[i + 1] = (READERS[i] as (c: ClickRow) => CopyValue)(row);
  return fields;
}

// The fallback for a batch that repeats stored events. Every row has its id by then; only what
// the batch does not already know comes back: every other field of an inserted click is the
// batch's own.
const INSERT_SKIPPING_STORED = `
  INSERT INTO clicks (${COPY_COLUMNS.join(', ')})
  SELECT * FROM unnest(?::bigint[], ${COLUMNS.map(([, type]) => `?::${type}[]`).join(', ')})
  ON CONFLICT (event_id, clicked_at) DO NOTHING
  RETURNING id, event_id`;

/**
 * The stored id of each row: an id minted at the edge (links that append it to their
 * destination) is kept; the others are reserved in one round trip from the sequence the edge
 * reserves its blocks from, so the two never collide.
 */
async function idsOf(trx: Knex.Transaction, rows: readonly ClickRow[]): Promise<number[]> {
  const missing = rows.reduce((n, row) => (row.id === undefined ? n + 1 : n), 0);
  const reserved = missing === 0 ? [] : await reserveClickIds(trx, missing);
  let next = 0;
  return rows.map((row) => row.id ?? (reserved[next++] as number));
}

/**
 * Inserts the rows no earlier delivery stored. Almost every batch is new, and COPY is
 * PostgreSQL's cheapest way in (no statement or arrays to parse, a WAL record per page rather
 * than per row, no speculative insertion of ON CONFLICT): it is tried first, under a savepoint;
 * a batch that repeats a stored event (a redelivery) fails it on the unique event id and is
 * inserted again skipping what exists.
 */
async function insertNew(trx: Knex.Transaction, rows: readonly ClickRow[]): Promise<InsertedClick[]> {
  const ids = await idsOf(trx, rows);
  await trx.raw('SAVEPOINT insert_clicks');
  try {
    await copyRows(trx, 'clicks', COPY_COLUMNS, rows.map((row, i) => copyRow(ids[i] as number, row)));
    await trx.raw('RELEASE SAVEPOINT insert_clicks');
    return rows.map((row, i) => insertedClick(ids[i] as number, row));
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    await trx.raw('ROLLBACK TO SAVEPOINT insert_clicks');
    const bindings = [arrayLiteral(ids), ...COLUMNS.map(([, , read]) => arrayLiteral(rows.map(read)))];
    return insertedOf(rows, (await trx.raw<{ rows: Array<{ id: number; event_id: string }> }>(INSERT_SKIPPING_STORED, bindings)).rows);
  }
}

/** Counted (non-bot) clicks per link: how many and the latest. */
export function countPerLink(inserted: InsertedClick[]): Array<{ linkId: number; count: number; last: Date }> {
  const perLink = new Map<number, { linkId: number; count: number; last: Date }>();
  for (const click of inserted) {
    if (click.is_bot) continue;
    const entry = perLink.get(click.link_id);
    if (!entry) perLink.set(click.link_id, { linkId: click.link_id, count: 1, last: click.clicked_at });
    else {
      entry.count++;
      if (click.clicked_at > entry.last) entry.last = click.clicked_at;
    }
  }
  // Sorted by id: every batch updates its links in the same order.
  return [...perLink.values()].sort((a, b) => a.linkId - b.linkId);
}

/**
 * links.click_count and last_clicked_at move by the clicks inserted: seconds behind, exactly
 * once. The links' rows are already locked by storeClicks.
 */
export const moveLinkCounters: AfterInsertStep = async (trx, inserted) => {
  const rows = countPerLink(inserted);
  if (rows.length === 0) return;
  const ids = rows.map((r) => r.linkId);
  await trx.raw(
    `UPDATE links SET click_count = links.click_count + v.n,
            last_clicked_at = GREATEST(links.last_clicked_at, v.last)
     FROM unnest(?::bigint[], ?::int[], ?::timestamptz[]) AS v(id, n, last)
     WHERE links.id = v.id`,
    [ids, rows.map((r) => r.count), rows.map((r) => r.last.toISOString())],
  );
};

/**
 * A/B variants' click_count, moved by the same inserted non-bot rows as the link counters.
 * Every variant belongs to one of the links storeClicks has locked, so concurrent batches are
 * already serialised here and cannot deadlock.
 */
export const moveVariantCounters: AfterInsertStep = async (trx, inserted) => {
  const perVariant = new Map<number, number>();
  for (const click of inserted) {
    if (click.is_bot || click.variant_id === null) continue;
    perVariant.set(click.variant_id, (perVariant.get(click.variant_id) ?? 0) + 1);
  }
  if (perVariant.size === 0) return;
  const ids = [...perVariant.keys()].sort((a, b) => a - b);
  await trx.raw(
    `UPDATE link_variants SET click_count = link_variants.click_count + v.n
     FROM unnest(?::bigint[], ?::int[]) AS v(id, n) WHERE link_variants.id = v.id`,
    [ids, ids.map((id) => perVariant.get(id) as number)],
  );
};

export const AFTER_INSERT: AfterInsertStep[] = [moveLinkCounters, moveVariantCounters, moveRollups];

function insertedClick(id: number, row: ClickRow): InsertedClick {
  return { id, event_id: row.event_id, link_id: row.link_id, user_id: row.user_id, variant_id: row.variant_id, clicked_at: row.clicked_at, is_bot: row.is_bot };
}

/** The inserted clicks, from the ids the insert returned and the batch's rows (the first of any repeated event id: the one inserted). */
function insertedOf(batch: readonly ClickRow[], returned: ReadonlyArray<{ id: number; event_id: string }>): InsertedClick[] {
  const byEvent = new Map<string, ClickRow>();
  for (const row of batch) {
    const key = row.event_id.toLowerCase(); // uuid's output form
    if (!byEvent.has(key)) byEvent.set(key, row);
  }
  return returned.map(({ id, event_id }) => insertedClick(id, byEvent.get(event_id) as ClickRow));
}

/**
 * Stores a batch of clicks exactly once (one COPY; event ids are unique) and runs
 * the after-insert steps on what was actually inserted, in one transaction: a redelivered batch
 * inserts nothing and moves nothing. Bots are stored (flagged) but never counted.
 */
export async function storeClicks(db: Db, clicks: ClickRow[], steps: AfterInsertStep[] = AFTER_INSERT): Promise<InsertedClick[]> {
  if (clicks.length === 0) return [];
  const linkIds = [...new Set(clicks.map((c) => c.link_id))].sort((a, b) => a - b);
  return db.transaction(async (trx) => {
    // The batch's links are locked first, in id order, so batches sharing links queue here
    // without deadlocks. The lock is also what keeps clicks pointing at links (there is no
    // foreign key: it cost a check per click): a link cannot be deleted while a batch holds it,
    // and its deletion deletes its clicks (trigger links_delete_clicks). NO KEY UPDATE is the
    // lock the counter UPDATE needs.
    const locked = await trx.raw<{ rows: Array<{ id: number }> }>('SELECT id FROM links WHERE id = ANY(?::bigint[]) ORDER BY id FOR NO KEY UPDATE', [linkIds]);
    // A link deleted while its clicks were queued takes them with it (as its deletion takes its
    // stored clicks): they are dropped here.
    const live = new Set(locked.rows.map((r) => r.id));
    const kept = live.size === linkIds.length ? clicks : clicks.filter((c) => live.has(c.link_id));
    if (kept.length === 0) return [];
    const before: BeforeInsert = { newVisitors: await findNewVisitors(trx, kept) };
    const inserted = await insertNew(trx, kept);
    for (const step of steps) await step(trx, inserted, kept, before);
    return inserted;
  });
}
