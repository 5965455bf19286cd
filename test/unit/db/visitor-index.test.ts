import assert from 'node:assert/strict';
import pg from 'pg';
import { findLatestVisitorClick } from '../../../src/db/conversion-store';
import { copyRows } from '../../../src/db/copy-rows';
import { createDb, type Db } from '../../../src/db/knex';
import { findNewVisitors, type RollupClick } from '../../../src/db/rollup-increments';
import { createUser } from '../../../src/db/user-store';
import { createLink } from '../../../src/domain/links';
import { timeOrderedId } from '../../../src/lib/event-ids';
import { keyedHash } from '../../../src/lib/secrets';

/**
 * The two lookups of one visitor's clicks (conversion attribution and the rollup's new-visitor
 * probe) must reach them through the visitor index (user, visitor_key(hashed_ip), time): the
 * index matches only a query that spells the same expression, and any other plan reads every
 * click of the owner. Checked on the plans PostgreSQL makes for the queries the code sends.
 */
describe('the visitor index serves the per-visitor lookups', () => {
  let db: Db;
  let userId: number;
  let linkId: number;
  const visitor = (i: number) => keyedHash('test-secret', 'ip', `10.0.${i >> 8}.${i & 255}`);

  // Set up once: both tests only read (the probe's transaction is rolled back).
  before(async () => {
    db = createDb(process.env.DATABASE_URL as string, { max: 2 });
    userId = (await createUser(db, 'visitors@example.com', 'pro')).id;
    linkId = (await createLink(db, { user_id: userId, destination_url: 'https://example.com/' })).id;
    // Enough clicks of one owner, over many visitors, that reading them all is the costly plan.
    const start = Date.now() - 3_600_000;
    const rows = Array.from({ length: 4_000 }, (_, i) => [timeOrderedId(start + i * 500), linkId, userId, new Date(start + i * 500).toISOString(), visitor(i % 400), 'agent', false]);
    await db.transaction((trx) => copyRows(trx, 'clicks', ['event_id', 'link_id', 'user_id', 'clicked_at', 'hashed_ip', 'hashed_user_agent', 'is_bot'], rows));
    await db.raw('ANALYZE clicks');
  });
  after(() => db.destroy());

  /**
   * The index names and scan kinds in the plan of every statement `run` sends that matches
   * `pattern`, planned under the settings `run` set on its transaction (set_config) beforehand.
   */
  async function plansOf(pattern: RegExp, run: () => Promise<unknown>): Promise<{ indexes: string[]; scans: string[] }> {
    const sent: Array<{ sql: string; bindings: unknown[] }> = [];
    const listen = (q: { sql: string; bindings?: unknown[] }) => (pattern.test(q.sql) || /set_config/.test(q.sql)) && sent.push({ sql: q.sql, bindings: q.bindings ?? [] });
    db.on('query', listen);
    try {
      await run();
    } finally {
      db.off('query', listen);
    }
    assert.ok(sent.some(({ sql }) => pattern.test(sql)), `no statement matched ${pattern}`);
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    try {
      const indexes: string[] = [];
      const scans: string[] = [];
      await client.query('BEGIN');
      for (const { sql, bindings } of sent) {
        if (!pattern.test(sql)) {
          await client.query(sql, bindings);
          continue;
        }
        const { rows } = await client.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${sql}`, bindings);
        JSON.stringify(rows[0]?.['QUERY PLAN'], (key, value: unknown) => {
          if (key === 'Index Name' && typeof value === 'string') indexes.push(value);
          if (key === 'Node Type' && typeof value === 'string' && value.includes('Scan')) scans.push(value);
          return value;
        });
      }
      await client.query('ROLLBACK');
      return { indexes, scans };
    } finally {
      await client.end();
    }
  }

  it('finds a visitor\'s latest click for attribution', async () => {
    const { indexes } = await plansOf(/visitor_key/, async () => {
      const click = await findLatestVisitorClick(db, userId, visitor(7), null, 30);
      assert.ok(click, 'the visitor clicked within the window');
    });
    assert.ok(indexes.length > 0 && indexes.every((n) => n.includes('visitor_key')), `plan used ${indexes.join(', ')}`);
  });

  it('probes whether a batch\'s visitors clicked the link earlier that day, stopping at the first click found', async () => {
    const at = new Date();
    const batch: RollupClick[] = [visitor(3), visitor(9_999)].map((hashedIp) => ({
      event_id: timeOrderedId(at.getTime()), link_id: linkId, user_id: userId, clicked_at: at, is_bot: false, hashed_ip: hashedIp,
      country_code: null, device_type: null, browser_family: null, os_family: null, referrer_domain: null,
    }));
    const rolledBack = new Error('rolled back');
    const { indexes, scans } = await plansOf(/visitor_key/, () =>
      db
        .transaction(async (trx) => {
          await findNewVisitors(trx, batch);
          throw rolledBack;
        })
        .catch((err: unknown) => {
          if (err !== rolledBack) throw err;
        }),
    );
    assert.ok(indexes.length > 0 && indexes.every((n) => n.includes('visitor_key')), `plan used ${indexes.join(', ')}`);
    // A bitmap scan reads every click of the visitor before it answers.
    assert.ok(scans.every((kind) => !kind.startsWith('Bitmap')), `plan used ${scans.join(', ')}`);
  });
});
