import type { Knex } from 'knex';

/**
 * What a social network's link-preview crawler is shown for a link (Open Graph and Twitter
 * card tags), when the owner sets it. All optional: a link without them redirects crawlers too.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('links', (t) => {
    t.text('preview_title').nullable();
    t.text('preview_description').nullable();
    t.text('preview_image_url').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('links', (t) => {
    t.dropColumn('preview_title');
    t.dropColumn('preview_description');
    t.dropColumn('preview_image_url');
  });
}
