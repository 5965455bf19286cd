import type { Knex } from 'knex';

/**
 * What the install worker needs to move packages.total_installs and unique_ips exactly once:
 * a package's installs are its distinct sessions and its unique IPs its distinct keyed IP
 * hashes. A row inserted here (ON CONFLICT DO NOTHING) is what moves a counter, so a retried
 * batch, or two batches racing on one session, count once.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('package_install_sessions', (t) => {
    t.bigInteger('package_id').notNullable().references('packages.id').onDelete('CASCADE');
    t.text('session_id').notNullable();
    t.timestamp('started_at', { useTz: true }).notNullable();
    t.primary(['package_id', 'session_id']);
  });
  await knex.schema.createTable('package_unique_ips', (t) => {
    t.bigInteger('package_id').notNullable().references('packages.id').onDelete('CASCADE');
    t.text('hashed_ip').notNullable();
    t.timestamp('first_seen_at', { useTz: true }).notNullable();
    t.primary(['package_id', 'hashed_ip']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('package_unique_ips');
  await knex.schema.dropTable('package_install_sessions');
}
