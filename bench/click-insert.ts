/**
 * PostgreSQL's CPU per stored click: the worker's COPY of 1,000-click batches into the clicks
 * table as migrated, against the same table as it was before its insert was made cheaper
 * (random version-4 event ids, the visitor keyed by its full hash in the attribution index), and
 * against a floor: the same table with no index at all. The backend's own CPU time is read from
 * /proc around each COPY, so neither this process nor the load on the machine is counted.
 *
 *   npm run bench -- click-insert        (ROWS=200000 per table and round, VISITORS=20000, REPS=3)
 *
 * The cost bench drives one visitor from one address, so every click lands on the same entry
 * of the visitor index; this one spreads clicks over many visitors, as real traffic does.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { copyRows, type CopyValue } from '../src/db/copy-rows';
import { createDb, type Db } from '../src/db/knex';
import { timeOrderedId } from '../src/lib/event-ids';
import { keyedHash } from '../src/lib/secrets';
import { createRunDatabase, dropRunDatabase } from '../test/helpers/test-database';

const ROWS = Number(process.env.ROWS ?? 200_000);
const VISITORS = Number(process.env.VISITORS ?? 20_000);
const REPS = Number(process.env.REPS ?? 3);
const BATCH = 1_000;
const COLUMNS = ['id', 'event_id', 'link_id', 'user_id', 'clicked_at', 'hashed_ip', 'hashed_user_agent', 'referrer_domain', 'country_code', 'city', 'device_type', 'browser_family', 'os_family', 'is_bot'];

interface Target {
  name: string;
  table: string;
  eventId: (at: number) => string;
  samples: number[];
}

/** A backend's user + system CPU time in µs, from /proc (clock ticks of 10 ms). */
function backendCpuUs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

/** A table shaped like clicks (partitioned by month, this month's partition made), with `indexes`. */
async function tableLike(db: Db, table: string, indexes: string[]): Promise<void> {
  await db.raw(`CREATE TABLE ${table} (LIKE clicks INCLUDING DEFAULTS INCLUDING CONSTRAINTS) PARTITION BY RANGE (clicked_at)`);
  await db.raw(`CREATE TABLE ${table}_default PARTITION OF ${table} DEFAULT`);
  for (const index of indexes) await db.raw(index.replaceAll('{t}', table));
}

async function insertRound(db: Db, target: Target, visitors: string[], agent: string): Promise<number> {
  let id = 1;
  const start = Date.now();
  let used = 0;
  for (let done = 0; done < ROWS; done += BATCH) {
    const rows: CopyValue[][] = [];
    for (let i = 0; i < BATCH; i++, id++) {
      const at = start + id; // about 1,000 clicks a second, in time order as the edge stamps them
      rows.push([id, target.eventId(at), 1 + (id % 5), 1, new Date(at).toISOString(), visitors[id % visitors.length] as string, agent, 'example.com', 'US', 'New York', 'desktop', 'Chrome', 'Windows', false]);
    }
    await db.transaction(async (trx) => {
      const { rows: [backend] } = await trx.raw<{ rows: Array<{ pid: number }> }>('SELECT pg_backend_pid() AS pid');
      const pid = backend?.pid ?? 0;
      const before = backendCpuUs(pid);
      await copyRows(trx, target.table, COLUMNS, rows);
      used += backendCpuUs(pid) - before;
    });
  }
  await db.raw(`TRUNCATE ${target.table}`);
  return used / ROWS;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

async function main(): Promise<void> {
  const url = await createRunDatabase();
  const db = createDb(url, { max: 1 });
  try {
    const secret = 'bench-secret';
    const visitors = Array.from({ length: VISITORS }, (_, i) => keyedHash(secret, 'ip', `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`));
    const agent = keyedHash(secret, 'ua', 'Mozilla/5.0');
    // The clicks table as it was before 2026-12-08: the attribution index on the full hash.
    await tableLike(db, 'clicks_before', [
      'ALTER TABLE {t} ADD PRIMARY KEY (id, clicked_at)',
      'ALTER TABLE {t} ADD UNIQUE (event_id, clicked_at)',
      'CREATE INDEX ON {t} (link_id, clicked_at DESC)',
      'CREATE INDEX ON {t} (user_id, clicked_at DESC)',
      'CREATE INDEX ON {t} (user_id, hashed_ip, clicked_at DESC)',
      'CREATE INDEX ON {t} (user_id, clicked_at) WHERE is_bot',
    ]);
    await tableLike(db, 'clicks_heap', []);
    const targets: Target[] = [
      { name: 'clicks as migrated, time-ordered event ids', table: 'clicks', eventId: timeOrderedId, samples: [] },
      { name: 'clicks before (random ids, full-hash visitor index)', table: 'clicks_before', eventId: () => randomUUID(), samples: [] },
      { name: 'floor: the same table with no index', table: 'clicks_heap', eventId: timeOrderedId, samples: [] },
    ];
    for (const target of targets) await insertRound(db, target, visitors, agent); // warm-up: catalogs, caches, the sequence of partitions
    for (let rep = 0; rep < REPS; rep++) for (const target of targets) target.samples.push(await insertRound(db, target, visitors, agent));
    console.log(`\nPostgreSQL backend CPU per stored click (COPY of ${BATCH}-click batches, ${ROWS} clicks a round, ${VISITORS} visitors, median of ${REPS})`);
    for (const t of targets) console.log(`  ${t.name.padEnd(54)} ${median(t.samples).toFixed(2).padStart(6)} µs   (${t.samples.map((s) => s.toFixed(2)).join(', ')})`);
    const [now, before, floor] = targets.map((t) => median(t.samples)) as [number, number, number];
    console.log(`  indexes cost ${(now - floor).toFixed(2)} µs per click now, ${(before - floor).toFixed(2)} µs before (${(((before - now) / before) * 100).toFixed(0)} % less in all)`);
  } finally {
    await db.destroy();
    await dropRunDatabase(url);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
