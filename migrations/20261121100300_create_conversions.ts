import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('conversion_goals', (t) => {
    t.bigIncrements('id');
    t.bigInteger('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.text('name').notNullable();
    // SHA-256 of the secret postback token; the token is shown once, on creation.
    t.text('postback_token_hash').notNullable().unique();
    t.text('token_prefix').notNullable();
    t.decimal('default_value', 14, 2);
    t.specificType('currency', 'char(3)').notNullable().defaultTo('USD');
    t.boolean('active').notNullable().defaultTo(true);
    t.timestamps(true, true);
    t.index(['user_id']);
  });

  // clicks is partitioned (its key includes clicked_at), so a conversion names its click by
  // (click_id, clicked_at) without a foreign key.
  await knex.schema.createTable('conversions', (t) => {
    t.bigIncrements('id');
    t.bigInteger('goal_id').notNullable().references('conversion_goals.id').onDelete('CASCADE');
    t.bigInteger('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.bigInteger('link_id').references('links.id').onDelete('SET NULL');
    t.bigInteger('variant_id');
    t.bigInteger('click_id');
    t.timestamp('clicked_at', { useTz: true });
    t.text('order_id');
    t.decimal('value', 14, 2);
    t.specificType('currency', 'char(3)');
    t.boolean('attributed').notNullable().defaultTo(false);
    t.timestamp('converted_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['goal_id', 'order_id']);
    t.index(['user_id', 'converted_at']);
    t.index(['link_id', 'converted_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('conversions');
  await knex.schema.dropTable('conversion_goals');
}
