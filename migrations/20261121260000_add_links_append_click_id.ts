import type { Knex } from 'knex';

/**
 * A link may opt in to carrying its click id to the destination (as lt_click), so that a
 * conversion postback can name the exact click it came from. Off by default: most owners do
 * not want an extra query parameter on their landing pages.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('links', (t) => {
    t.boolean('append_click_id').notNullable().defaultTo(false);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('links', (t) => {
    t.dropColumn('append_click_id');
  });
}
