import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { rollupUserDay } from '../../src/db/rollup-store';
import type { ClickEvent } from '../../src/lib/edge-events';
import { ingestClicks } from '../../src/workers/ingest-clicks';
import { applyRetention, maintainPartitions } from '../../src/workers/maintain-partitions';
import { request } from '../helpers/http';
import { useStackWithAccount } from '../helpers/use-stack';
import { drainQueues } from '../helpers/wait';

const UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';

function monthName(at: Date, plus = 0): string {
  const d = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + plus, 1));
  return `clicks_${d.getUTCFullYear()}_${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

describe('Click partitions and retention', () => {
  const { stack, account } = useStackWithAccount({ workers: true });

  async function partitions(): Promise<string[]> {
    const { rows } = await stack.services.db.raw(`SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'clicks'::regclass`);
    return rows.map((r: { name: string }) => r.name);
  }

  async function createLink(): Promise<number> {
    const res = await request(stack.url('/api/v1/links'), { method: 'POST', headers: account.auth, json: { link: { destination_url: 'https://example.com' } } });
    return res.body.link.id;
  }

  function event(linkId: number, at: Date, ip = '81.2.69.160'): ClickEvent {
    return { id: randomUUID(), linkId, userId: account.user.id, variantId: null, at: at.getTime(), ip, userAgent: UA, referrer: null };
  }

  it('creates this month and the next three months ahead, from the scheduled job through a real queue', async () => {
    await stack.services.queues.add('maintain-partitions', {});
    await drainQueues(stack.services);
    const now = new Date();
    const names = await partitions();
    for (let i = 0; i <= 3; i++) assert.ok(names.includes(monthName(now, i)), `${monthName(now, i)} exists`);

    const later = new Date(Date.UTC(2031, 4, 15));
    const report = await maintainPartitions(stack.services, later);
    assert.deepEqual(report.created, ['clicks_2031_05', 'clicks_2031_06', 'clicks_2031_07', 'clicks_2031_08']);
    assert.deepEqual((await maintainPartitions(stack.services, later)).created, [], 'running again creates nothing');
  });

  it('still creates later months when one month already has rows in the default partition', async () => {
    const link = await createLink();
    // A click for a month with no partition yet lands in the default partition…
    await ingestClicks(stack.services, { events: [event(link, new Date(Date.UTC(2033, 1, 10)))] });
    // …and that month cannot be created, but the ones after it are, and the click stays readable.
    const report = await maintainPartitions(stack.services, new Date(Date.UTC(2033, 0, 20)));
    assert.deepEqual(report.created, ['clicks_2033_01', 'clicks_2033_03', 'clicks_2033_04']);
    const [row] = await stack.services.db('clicks_default').count({ n: '*' });
    assert.equal(row?.n, 1);
  });

  it('drops raw clicks past the retention period, whole partitions and default rows, and keeps their aggregates', async () => {
    const link = await createLink();
    const now = new Date();
    const old = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 14, 10, 12));
    const older = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 30, 10, 12));
    await stack.services.db.raw('SELECT ensure_click_partitions(?::date, 1)', [old.toISOString().slice(0, 10)]);
    await ingestClicks(stack.services, { events: [event(link, old), event(link, old, '8.8.8.8'), event(link, older), event(link, now)] });
    await drainQueues(stack.services);
    const aggregates = await stack.services.db('link_daily_stats').orderBy('day');
    assert.deepEqual(aggregates.map((r) => r.clicks), [1, 2, 1]);

    const report = await applyRetention(stack.services, 365, now);
    assert.ok(report.dropped.includes(monthName(old)), `dropped ${report.dropped.join(', ')}`);
    assert.ok(!report.dropped.includes(monthName(now)));
    assert.equal(report.deletedFromDefault, 1);
    assert.ok(!(await partitions()).includes(monthName(old)));
    const raw = await stack.services.db('clicks').select('clicked_at');
    assert.equal(raw.length, 1, "only this month's click is left");

    // The aggregates stay, and a rollup of an expired day (raw rows gone) does not erase them.
    await rollupUserDay(stack.services.db, account.user.id, old.toISOString().slice(0, 10), { linkIds: [link], retentionDays: 365 });
    assert.deepEqual(await stack.services.db('link_daily_stats').orderBy('day'), aggregates);
  });
});
