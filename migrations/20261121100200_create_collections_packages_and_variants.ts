import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // One collection resource serves both surfaces: links join by collection_id, packages by membership.
  await knex.schema.createTable('collections', (t) => {
    t.bigIncrements('id');
    t.bigInteger('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.text('slug').notNullable().unique();
    t.text('name').notNullable();
    t.text('description');
    t.specificType('tags', 'text[]').notNullable().defaultTo('{}');
    t.timestamps(true, true);
    t.index(['user_id']);
  });
  await knex.schema.alterTable('links', (t) => {
    t.bigInteger('collection_id').references('collections.id').onDelete('SET NULL');
    t.index(['collection_id']);
  });

  await knex.schema.createTable('packages', (t) => {
    t.bigIncrements('id');
    t.bigInteger('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.text('slug').notNullable().unique();
    t.text('display_name').notNullable();
    t.text('description');
    t.text('git_platform').notNullable();
    t.text('git_owner').notNullable();
    t.text('git_repo').notNullable();
    t.text('git_path');
    t.text('git_ref');
    t.boolean('is_private').notNullable().defaultTo(false);
    t.bigInteger('total_installs').notNullable().defaultTo(0);
    t.bigInteger('unique_ips').notNullable().defaultTo(0);
    t.timestamps(true, true);
    t.index(['user_id']);
  });
  await knex.raw(`ALTER TABLE packages ADD CONSTRAINT packages_git_platform_check CHECK (git_platform IN ('github', 'gitlab', 'bitbucket'))`);

  await knex.schema.createTable('collection_packages', (t) => {
    t.bigInteger('collection_id').notNullable().references('collections.id').onDelete('CASCADE');
    t.bigInteger('package_id').notNullable().references('packages.id').onDelete('CASCADE');
    t.timestamp('added_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['collection_id', 'package_id']);
  });

  // Install events from the git proxy; event_id is minted at the edge, the idempotency key.
  await knex.schema.createTable('install_events', (t) => {
    t.bigIncrements('id');
    t.uuid('event_id').notNullable().unique();
    t.bigInteger('package_id').notNullable().references('packages.id').onDelete('CASCADE');
    t.timestamp('occurred_at', { useTz: true }).notNullable();
    t.text('event_type').notNullable();
    t.text('session_id').notNullable();
    t.text('hashed_ip').notNullable();
    t.specificType('country_code', 'char(2)');
    t.text('city');
    t.text('os');
    t.text('git_version');
    t.text('subpath');
    t.index(['package_id', 'occurred_at']);
  });
  await knex.raw(`ALTER TABLE install_events ADD CONSTRAINT install_events_type_check CHECK (event_type IN ('clone_start', 'fetch_objects', 'lfs'))`);

  await knex.schema.createTable('link_variants', (t) => {
    t.bigIncrements('id');
    t.bigInteger('link_id').notNullable().references('links.id').onDelete('CASCADE');
    t.text('name').notNullable();
    t.text('destination_url').notNullable();
    t.integer('weight').notNullable().defaultTo(50);
    t.boolean('active').notNullable().defaultTo(true);
    t.bigInteger('click_count').notNullable().defaultTo(0);
    t.timestamps(true, true);
    t.index(['link_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('link_variants');
  await knex.schema.dropTable('install_events');
  await knex.schema.dropTable('collection_packages');
  await knex.schema.dropTable('packages');
  await knex.schema.alterTable('links', (t) => t.dropColumn('collection_id'));
  await knex.schema.dropTable('collections');
}
