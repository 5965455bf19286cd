import type { Knex } from 'knex';

/**
 * Daily install rollups per package, recomputed from install_events by the rollup-installs
 * worker (src/db/install-rollup-store.ts). The analytics API reads only this table.
 *
 * ip_hashes keeps the day's distinct visitors as 64-bit digests of their keyed address hashes,
 * because unique IPs over a window cannot be summed from daily counts: the window's figure is
 * the number of distinct values across its days' arrays (64 bits: a collision among a million
 * addresses has odds of about 1 in 37 million).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('package_install_days', (t) => {
    t.bigInteger('package_id').notNullable().references('packages.id').onDelete('CASCADE');
    t.date('day').notNullable();
    t.integer('installs').notNullable().defaultTo(0);
    t.integer('unique_ips').notNullable().defaultTo(0);
    t.jsonb('by_os').notNullable().defaultTo('{}');
    t.jsonb('by_country').notNullable().defaultTo('{}');
    t.specificType('ip_hashes', 'bigint[]').notNullable().defaultTo('{}');
    t.timestamp('computed_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['package_id', 'day']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('package_install_days');
}
