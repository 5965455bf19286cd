import type { Knex } from 'knex';

/**
 * What brought a click: a scan of the link's QR code (whose URL carries the `qr=1` marker) or
 * anything else ('link'). Rows stored before this read as 'link', which they were.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`ALTER TABLE clicks ADD COLUMN "trigger" text NOT NULL DEFAULT 'link' CONSTRAINT clicks_trigger_check CHECK ("trigger" IN ('qr', 'link'))`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE clicks DROP COLUMN "trigger"');
}
