import type { Knex } from 'knex';

/**
 * One centre logo per account for its links' QR codes, uploaded through the API and kept here
 * (bytes and all): the server never fetches an image from a URL someone gives it. Only PNG and
 * JPEG, checked whole and bounded in bytes and pixels before they are stored (src/api/qr-logo.schema.ts).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('qr_logos', (t) => {
    t.bigInteger('user_id').primary().references('id').inTable('users').onDelete('CASCADE');
    t.text('content_type').notNullable();
    t.binary('image').notNullable();
    t.integer('width').notNullable();
    t.integer('height').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw("ALTER TABLE qr_logos ADD CONSTRAINT qr_logos_content_type_check CHECK (content_type IN ('image/png', 'image/jpeg'))");
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('qr_logos');
}
