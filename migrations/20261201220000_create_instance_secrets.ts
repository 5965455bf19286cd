import type { Knex } from 'knex';

/**
 * One row: the secret this deployment generated on its first start when APP_SECRET was not set
 * (outside production only). Every process of the deployment reads it from here, so web and
 * workers hash and encrypt with the same key, and no key is shared with anyone else.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('instance_secrets', (t) => {
    t.smallint('id').primary().defaultTo(1);
    t.text('app_secret').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw('ALTER TABLE instance_secrets ADD CONSTRAINT instance_secrets_one_row CHECK (id = 1)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('instance_secrets');
}
