import type { Knex } from 'knex';

/**
 * pkglnk's public side (the Unity editor's package browser and the pages for people):
 * - packages gain the metadata read from their own package.json (`package_json_name`, `version`,
 *   `unity_version`, `topics` from `keywords`), `github_stars` when reachable (null otherwise),
 *   the upstream README for the package page, whether the package is listed in the directory, and
 *   the state of the metadata worker. `metadata_overrides` names the fields the owner set by hand,
 *   which the worker leaves alone.
 * - `search` is a weighted full-text vector (name first, then topics, then description) kept by
 *   PostgreSQL itself, so no writer can forget it; a GIN index serves the directory's `q`, and one
 *   on `topics` serves `topic`.
 * - bookmarks: a user's saved packages (the client's toggle).
 * - collections become public or private (private by default: existing ones stay unseen).
 * - users gain an avatar URL, which the public side and the editor sign-in return.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('packages', (t) => {
    t.text('package_json_name');
    t.text('version');
    t.text('unity_version');
    t.specificType('topics', 'text[]').notNullable().defaultTo('{}');
    t.integer('github_stars');
    t.text('readme');
    t.boolean('is_listed').notNullable().defaultTo(true);
    t.specificType('metadata_overrides', 'text[]').notNullable().defaultTo('{}');
    t.timestamp('metadata_fetched_at', { useTz: true });
    t.text('metadata_error');
  });
  await knex.raw(`
    ALTER TABLE packages ADD COLUMN search tsvector GENERATED ALWAYS AS (
      setweight(to_tsvector('simple', coalesce(display_name, '') || ' ' || slug || ' ' || coalesce(package_json_name, '')), 'A')
      || setweight(array_to_tsvector(topics), 'B')
      || setweight(to_tsvector('simple', coalesce(description, '')), 'C')
    ) STORED`);
  await knex.raw('CREATE INDEX packages_search_gin ON packages USING gin (search)');
  await knex.raw('CREATE INDEX packages_topics_gin ON packages USING gin (topics)');
  // The directory's default order (most installed first, then newest) over public, listed packages.
  await knex.raw('CREATE INDEX packages_directory_order ON packages (total_installs DESC, id DESC) WHERE NOT is_private AND is_listed');

  await knex.schema.createTable('package_bookmarks', (t) => {
    t.bigInteger('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.bigInteger('package_id').notNullable().references('packages.id').onDelete('CASCADE');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['user_id', 'package_id']);
    t.index(['package_id']);
  });

  await knex.schema.alterTable('collections', (t) => {
    t.boolean('is_public').notNullable().defaultTo(false);
  });
  await knex.raw('CREATE INDEX collections_public_recent ON collections (updated_at DESC, id DESC) WHERE is_public');

  await knex.schema.alterTable('users', (t) => {
    t.text('avatar_url');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => t.dropColumn('avatar_url'));
  await knex.raw('DROP INDEX IF EXISTS collections_public_recent');
  await knex.schema.alterTable('collections', (t) => t.dropColumn('is_public'));
  await knex.schema.dropTable('package_bookmarks');
  await knex.raw('DROP INDEX IF EXISTS packages_directory_order');
  await knex.raw('DROP INDEX IF EXISTS packages_topics_gin');
  await knex.raw('DROP INDEX IF EXISTS packages_search_gin');
  await knex.schema.alterTable('packages', (t) => {
    for (const column of ['search', 'metadata_error', 'metadata_fetched_at', 'metadata_overrides', 'is_listed', 'readme', 'github_stars', 'topics', 'unity_version', 'version', 'package_json_name']) {
      t.dropColumn(column);
    }
  });
}
