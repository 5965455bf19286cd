import type { Db } from '../../src/db/knex';

/**
 * Every place a click or an install is counted, read side by side, so a test can assert they
 * agree exactly: raw rows, the counters the API shows, the daily rollups the analytics read.
 */
export interface ClickTally {
  rows: number;
  counters: number;
  rollups: number;
}

export async function clickTally(db: Db, linkIds: readonly number[]): Promise<ClickTally> {
  const [rows] = await db('clicks').whereIn('link_id', linkIds).where({ is_bot: false }).count({ n: '*' });
  const [counters] = await db('links').whereIn('id', linkIds).sum({ n: 'click_count' });
  const [rollups] = await db('link_daily_stats').whereIn('link_id', linkIds).sum({ n: 'clicks' });
  return { rows: Number(rows?.n ?? 0), counters: Number(counters?.n ?? 0), rollups: Number(rollups?.n ?? 0) };
}

export interface InstallTally {
  events: number;
  sessions: number;
  counter: number;
  rollups: number;
}

export async function installTally(db: Db, packageId: number): Promise<InstallTally> {
  const [events] = await db('install_events').where({ package_id: packageId }).count({ n: '*' });
  const [sessions] = await db('package_install_sessions').where({ package_id: packageId }).count({ n: '*' });
  const pkg = await db('packages').where({ id: packageId }).first('total_installs');
  const [rollups] = await db('package_install_days').where({ package_id: packageId }).sum({ n: 'installs' });
  return { events: Number(events?.n ?? 0), sessions: Number(sessions?.n ?? 0), counter: Number(pkg?.total_installs ?? 0), rollups: Number(rollups?.n ?? 0) };
}
