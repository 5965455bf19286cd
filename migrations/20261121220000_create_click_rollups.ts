import type { Knex } from 'knex';

/**
 * Daily click aggregates. Raw clicks are the source of truth; these tables are recomputed from
 * them by the rollup worker (INSERT … SELECT … GROUP BY … ON CONFLICT DO UPDATE SET x =
 * EXCLUDED.x), so recomputing a day twice gives the same rows. Bots are never counted here.
 */
export async function up(knex: Knex): Promise<void> {
  // Link-days with clicks not yet rolled up. Written in the same transaction as the clicks, so
  // no stored click can be missed by the rollup; due_at throttles recomputation of hot link-days.
  // Each batch bumps version; the rollup deletes the row only if the version is still the one it
  // read, so clicks stored while it was computing trigger another pass instead of being lost.
  await knex.raw(`
    CREATE TABLE click_rollup_pending (
      link_id bigint NOT NULL REFERENCES links(id) ON DELETE CASCADE,
      day date NOT NULL,
      user_id bigint NOT NULL,
      due_at timestamptz NOT NULL,
      version integer NOT NULL DEFAULT 0,
      PRIMARY KEY (link_id, day)
    )
  `);
  await knex.raw('CREATE INDEX click_rollup_pending_due_at_idx ON click_rollup_pending (due_at)');

  await knex.raw(`
    CREATE TABLE link_daily_stats (
      link_id bigint NOT NULL REFERENCES links(id) ON DELETE CASCADE,
      day date NOT NULL,
      user_id bigint NOT NULL,
      clicks integer NOT NULL,
      unique_visitors integer NOT NULL,
      PRIMARY KEY (link_id, day)
    )
  `);
  await knex.raw('CREATE INDEX link_daily_stats_user_id_day_idx ON link_daily_stats (user_id, day)');

  // One row per (link, day, dimension, value). hour is the UTC hour 0-23; day of week needs no
  // row of its own (it follows from day). A missing value (no referrer, unlocated) is ''.
  await knex.raw(`
    CREATE TABLE link_daily_breakdowns (
      link_id bigint NOT NULL REFERENCES links(id) ON DELETE CASCADE,
      day date NOT NULL,
      user_id bigint NOT NULL,
      dimension text NOT NULL CHECK (dimension IN ('country', 'device', 'browser', 'os', 'referrer', 'hour')),
      key text NOT NULL,
      clicks integer NOT NULL,
      PRIMARY KEY (link_id, day, dimension, key)
    )
  `);
  await knex.raw('CREATE INDEX link_daily_breakdowns_user_id_day_idx ON link_daily_breakdowns (user_id, day)');

  // Per user-day totals, so the account-wide endpoints read ~days rows, not links × days.
  // Unique visitors over a window cannot be summed from daily counts, so each day keeps its
  // visitors in mergeable form: visitor_ids, the exact set (8 bytes of each hashed IP, sorted)
  // while the day has at most 2,048 of them, NULL beyond; and visitors, a HyperLogLog sketch
  // (2^14 one-byte registers) used when some day of the window is past that size.
  await knex.raw(`
    CREATE TABLE user_daily_stats (
      user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      day date NOT NULL,
      clicks bigint NOT NULL,
      visitors bytea NOT NULL,
      visitor_ids bytea,
      PRIMARY KEY (user_id, day)
    )
  `);
  await knex.raw(`
    CREATE TABLE user_daily_breakdowns (
      user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      day date NOT NULL,
      dimension text NOT NULL,
      key text NOT NULL,
      clicks bigint NOT NULL,
      PRIMARY KEY (user_id, day, dimension, key)
    )
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE IF EXISTS user_daily_breakdowns, user_daily_stats, link_daily_breakdowns, link_daily_stats, click_rollup_pending');
}
