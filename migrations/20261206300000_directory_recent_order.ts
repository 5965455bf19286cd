import type { Knex } from 'knex';

/**
 * The directory's second order (sort=recent: newest first) over public, listed packages, beside
 * packages_directory_order (most installed first): without it a page of 100,000 packages sorted
 * by age reads and sorts them all.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('CREATE INDEX packages_directory_recent ON packages (created_at DESC, id DESC) WHERE NOT is_private AND is_listed');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS packages_directory_recent');
}
