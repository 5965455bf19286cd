import type { Knex } from 'knex';

/**
 * Analytics report the bot clicks they leave out (bot_clicks). Rollups hold no bots, so that
 * count reads raw clicks; a partial index of the bot rows alone keeps it off the human ones.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('CREATE INDEX clicks_bots_idx ON clicks (user_id, clicked_at) WHERE is_bot');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS clicks_bots_idx');
}
