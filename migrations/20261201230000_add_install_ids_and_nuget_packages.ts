import type { Knex } from 'knex';

/**
 * Installs as the pkglnk Unity client makes them (issue 13):
 * - install_sessions: one row per client install id (POST /api/v1/install-start, or first seen
 *   in a git URL's ?install=), with the surface that started it and the phase the proxy's own
 *   events have moved it to.
 * - install_events.delivered: the request delivered a pack (or a .nupkg) in full — what an
 *   install is; install_id: the client's install id, when the URL carried one.
 * - package_install_days.by_source: installs per source (direct, pkglnk-unity-window, …).
 * - packages.public_id: the stable string id clients bookmark and collect packages by;
 *   kind and nuget_id: packages installed from the NuGet flat container.
 *
 * Events stored before this have no delivered flag; each earlier session's first
 * fetch_objects event is marked delivered, so old totals keep the sessions that fetched.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('install_sessions', (t) => {
    t.text('install_id').primary();
    t.bigInteger('package_id').notNullable().references('packages.id').onDelete('CASCADE');
    t.text('source');
    t.text('phase').notNullable().defaultTo('pending');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['package_id']);
  });
  await knex.raw(`ALTER TABLE install_sessions ADD CONSTRAINT install_sessions_phase_check CHECK (phase IN ('pending', 'resolving', 'downloading', 'complete', 'failed'))`);

  await knex.schema.alterTable('install_events', (t) => {
    t.boolean('delivered').notNullable().defaultTo(false);
    t.text('install_id');
  });
  await knex.raw(`ALTER TABLE install_events DROP CONSTRAINT install_events_type_check`);
  await knex.raw(`ALTER TABLE install_events ADD CONSTRAINT install_events_type_check CHECK (event_type IN ('clone_start', 'fetch_objects', 'lfs', 'nupkg_download'))`);
  await knex.raw(`
    UPDATE install_events e SET delivered = true
    FROM (SELECT DISTINCT ON (package_id, session_id) id FROM install_events
          WHERE event_type = 'fetch_objects' ORDER BY package_id, session_id, occurred_at, id) first_fetch
    WHERE e.id = first_fetch.id`);

  await knex.schema.alterTable('package_install_days', (t) => {
    t.jsonb('by_source').notNullable().defaultTo('{}');
  });

  await knex.schema.alterTable('packages', (t) => {
    t.uuid('public_id').notNullable().defaultTo(knex.raw('gen_random_uuid()')).unique();
    t.text('kind').notNullable().defaultTo('upm');
    t.text('nuget_id');
  });
  await knex.raw(`ALTER TABLE packages ADD CONSTRAINT packages_kind_check CHECK (kind IN ('upm', 'nuget') AND (kind = 'nuget') = (nuget_id IS NOT NULL))`);
  await knex.raw(`CREATE UNIQUE INDEX packages_nuget_id_unique ON packages (lower(nuget_id)) WHERE nuget_id IS NOT NULL`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX packages_nuget_id_unique');
  await knex.raw('ALTER TABLE packages DROP CONSTRAINT packages_kind_check');
  await knex.schema.alterTable('packages', (t) => {
    t.dropColumn('nuget_id');
    t.dropColumn('kind');
    t.dropColumn('public_id');
  });
  await knex.schema.alterTable('package_install_days', (t) => t.dropColumn('by_source'));
  await knex.raw(`DELETE FROM install_events WHERE event_type = 'nupkg_download'`);
  await knex.raw(`ALTER TABLE install_events DROP CONSTRAINT install_events_type_check`);
  await knex.raw(`ALTER TABLE install_events ADD CONSTRAINT install_events_type_check CHECK (event_type IN ('clone_start', 'fetch_objects', 'lfs'))`);
  await knex.schema.alterTable('install_events', (t) => {
    t.dropColumn('install_id');
    t.dropColumn('delivered');
  });
  await knex.schema.dropTable('install_sessions');
}
