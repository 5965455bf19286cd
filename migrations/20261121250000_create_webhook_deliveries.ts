import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.text('webhook_url');
    // AES-GCM ciphertext (APP_SECRET); the secret itself is never stored or returned.
    t.text('webhook_secret_encrypted');
  });

  // One row per event sent to one receiver. `body` is the exact JSON sent, so every attempt
  // (and a redelivery) signs and sends the same bytes. `series` counts redeliveries.
  await knex.schema.createTable('webhook_deliveries', (t) => {
    t.uuid('id').primary();
    t.bigInteger('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.text('event').notNullable();
    t.text('event_id').notNullable();
    t.text('body').notNullable();
    t.text('status').notNullable().defaultTo('pending');
    t.integer('series').notNullable().defaultTo(1);
    t.integer('attempt_count').notNullable().defaultTo(0);
    t.integer('last_status_code');
    t.text('last_error');
    t.timestamp('last_attempt_at', { useTz: true });
    t.timestamp('next_attempt_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('completed_at', { useTz: true });
    t.index(['user_id', 'created_at']);
    t.index(['created_at']);
  });
  await knex.raw(`ALTER TABLE webhook_deliveries ADD CONSTRAINT webhook_deliveries_status_check CHECK (status IN ('pending', 'succeeded', 'failed'))`);
  // The maintenance sweep looks for pending deliveries whose job was lost.
  await knex.raw(`CREATE INDEX webhook_deliveries_pending_idx ON webhook_deliveries (created_at) WHERE status = 'pending'`);

  await knex.schema.createTable('webhook_attempts', (t) => {
    t.bigIncrements('id');
    t.uuid('delivery_id').notNullable().references('webhook_deliveries.id').onDelete('CASCADE');
    t.integer('series').notNullable();
    t.integer('attempt').notNullable();
    t.text('url').notNullable();
    t.timestamp('started_at', { useTz: true }).notNullable();
    t.integer('duration_ms').notNullable();
    t.integer('status_code');
    t.text('error');
    t.boolean('succeeded').notNullable();
    t.index(['delivery_id', 'started_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('webhook_attempts');
  await knex.schema.dropTable('webhook_deliveries');
  await knex.schema.alterTable('users', (t) => {
    t.dropColumn('webhook_secret_encrypted');
    t.dropColumn('webhook_url');
  });
}
