import type { Knex } from 'knex';

/**
 * The README as sanitised HTML, rendered once by the metadata worker when it reads the README
 * (lib/readme-html.ts), so the package page never renders Markdown while a visitor waits.
 * Null until the worker has rendered it; the page then renders the stored Markdown itself.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('packages', (t) => {
    t.text('readme_html');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('packages', (t) => {
    t.dropColumn('readme_html');
  });
}
