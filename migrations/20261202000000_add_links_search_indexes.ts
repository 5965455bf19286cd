import type { Knex } from 'knex';

/**
 * GET /api/v1/links?q= searches inside short codes, titles and destinations (ILIKE '%…%'),
 * which a btree cannot serve; trigram GIN indexes can. ?tag= uses `tags @> ARRAY[…]` on a GIN.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('CREATE EXTENSION IF NOT EXISTS pg_trgm');
  await knex.raw('CREATE INDEX links_search_trgm ON links USING gin (short_code gin_trgm_ops, title gin_trgm_ops, destination_url gin_trgm_ops)');
  await knex.raw('CREATE INDEX links_tags_gin ON links USING gin (tags)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS links_tags_gin');
  await knex.raw('DROP INDEX IF EXISTS links_search_trgm');
}
