import type { Knex } from 'knex';

/**
 * Targeting rules: per link an ordered list (position) of conditions and the destination a
 * matching visitor is sent to. Each click records the rule that sent it (rule_id; no foreign
 * key on the partitioned clicks table, and a replaced rule's clicks keep their number).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('link_rules', (t) => {
    t.bigIncrements('id');
    t.bigInteger('link_id').notNullable().references('id').inTable('links').onDelete('CASCADE');
    t.integer('position').notNullable();
    t.text('name');
    t.jsonb('conditions').notNullable();
    t.text('destination_url').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['link_id', 'position']);
  });
  await knex.raw('ALTER TABLE clicks ADD COLUMN rule_id bigint');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE clicks DROP COLUMN rule_id');
  await knex.schema.dropTable('link_rules');
}
