import type { Knex } from 'knex';

/**
 * Automatic conversion attribution asks for "the latest click of this visitor among the
 * owner's links, inside the attribution window"; without this index that is a scan of every
 * click the owner had in the window. clicks is partitioned: an index on the parent is built on
 * every partition, present and future (which is also why it cannot be built CONCURRENTLY here).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('CREATE INDEX clicks_attribution_idx ON clicks (user_id, hashed_ip, clicked_at DESC)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS clicks_attribution_idx');
}
