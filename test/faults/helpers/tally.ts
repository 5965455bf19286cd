import type { Db } from '../../../src/db/knex';
import type { QueueRegistry } from '../../../src/queues/registry';
import { waitFor } from '../../helpers/wait';

export interface LinkTally {
  /** Counted (non-bot) raw click rows, links.click_count, and the daily rollups' sum. */
  raw: number;
  clickCount: number;
  rollup: number;
}

/** What PostgreSQL holds for each link, by id. */
export async function tallyLinks(db: Db, linkIds: readonly number[]): Promise<Map<number, LinkTally>> {
  const [raw, links, rollups] = await Promise.all([
    db('clicks').whereIn('link_id', linkIds).where({ is_bot: false }).groupBy('link_id').select<Array<{ link_id: number; n: number }>>('link_id', db.raw('count(*)::int AS n')),
    db('links').whereIn('id', linkIds).select<Array<{ id: number; click_count: number }>>('id', 'click_count'),
    db('link_daily_stats').whereIn('link_id', linkIds).groupBy('link_id').select<Array<{ link_id: number; n: number }>>('link_id', db.raw('sum(clicks)::int AS n')),
  ]);
  const out = new Map<number, LinkTally>(linkIds.map((id) => [id, { raw: 0, clickCount: 0, rollup: 0 }]));
  for (const r of raw) (out.get(r.link_id) as LinkTally).raw = r.n;
  for (const l of links) (out.get(l.id) as LinkTally).clickCount = l.click_count;
  for (const r of rollups) (out.get(r.link_id) as LinkTally).rollup = r.n;
  return out;
}

export function totalRaw(tally: Map<number, LinkTally>): number {
  let n = 0;
  for (const t of tally.values()) n += t.raw;
  return n;
}

/** Click jobs waiting, retrying or running, and rollups waiting or running (the repeating rollup catch-up is always delayed). */
async function busyJobs(queues: QueueRegistry): Promise<number> {
  const clicks = await queues.queue('clicks').getJobCounts('waiting', 'active', 'delayed', 'prioritized');
  const rollups = await queues.queue('analytics').getJobCounts('waiting', 'active', 'prioritized');
  return [...Object.values(clicks), ...Object.values(rollups)].reduce((a, b) => a + b, 0);
}

/**
 * Waits until the stored clicks of these links have reached `atLeast` (the time that took is the
 * recovery time), then until nothing is left to do: no click or rollup job queued, no link-day
 * pending, and raw rows, click_count and rollups agree for every link, twice in a row.
 */
export async function settle(db: Db, queues: QueueRegistry, linkIds: readonly number[], atLeast: number, timeoutMs: number): Promise<{ storedAfterMs: number; tally: Map<number, LinkTally> }> {
  const started = Date.now();
  await waitFor(async () => totalRaw(await tallyLinks(db, linkIds)) >= atLeast, { timeoutMs, intervalMs: 200, what: `${atLeast} clicks stored` });
  const storedAfterMs = Date.now() - started;
  let previous = '';
  const tally = await waitFor(
    async () => {
      const now = await tallyLinks(db, linkIds);
      const disagree = [...now.entries()].filter(([, t]) => t.raw !== t.clickCount || t.raw !== t.rollup);
      const pending = Number((await db('click_rollup_pending').whereIn('link_id', linkIds).count<Array<{ n: string }>>({ n: '*' }))[0]?.n ?? 0);
      const busy = await busyJobs(queues);
      const key = JSON.stringify([...now.entries()]);
      const stable = key === previous;
      previous = key;
      if (disagree.length > 0 || pending > 0 || busy > 0 || !stable) {
        // Thrown, not returned, so that a timeout says what was still off.
        throw new Error(`${JSON.stringify(disagree)}; ${pending} link-days pending; ${busy} jobs busy; stable: ${stable}`);
      }
      return now;
    },
    { timeoutMs: Math.max(timeoutMs - storedAfterMs, 60_000), intervalMs: 1000, what: 'raw clicks, click_count and rollups to agree with nothing left queued' },
  );
  return { storedAfterMs, tally };
}
