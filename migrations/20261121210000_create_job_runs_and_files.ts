import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // One row per run of a heavy job (import, export). The run's state lives here, not in Redis
  // or a web process, so a client can poll it from any web dyno whatever happened to the one
  // that started it.
  await knex.schema.createTable('job_runs', (t) => {
    t.uuid('id').primary();
    t.bigInteger('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.text('kind').notNullable();
    t.text('status').notNullable().defaultTo('queued');
    // What was asked (filters, format); shown back on the status endpoint.
    t.json('params').notNullable().defaultTo('{}');
    // Large input (the import CSV), kept out of Redis; cleared once the run has finished.
    t.text('input');
    // json, not jsonb: kept as written, so the documented key order of the answer survives.
    t.json('result');
    t.text('error');
    t.integer('attempts').notNullable().defaultTo(0);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('started_at', { useTz: true });
    t.timestamp('finished_at', { useTz: true });
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.index(['user_id', 'created_at']);
    t.index(['expires_at']);
  });
  await knex.raw(`ALTER TABLE job_runs ADD CONSTRAINT job_runs_status_check CHECK (status IN ('queued', 'running', 'completed', 'failed'))`);

  // Finished files, chunked, so any web dyno can stream them and none needs a local disk.
  await knex.schema.createTable('job_files', (t) => {
    t.uuid('id').primary();
    t.uuid('run_id').references('job_runs.id').onDelete('CASCADE');
    t.bigInteger('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.text('file_name').notNullable();
    t.text('content_type').notNullable();
    t.bigInteger('byte_size').notNullable().defaultTo(0);
    t.integer('chunk_count').notNullable().defaultTo(0);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.index(['run_id']);
    t.index(['expires_at']);
  });
  await knex.schema.createTable('job_file_chunks', (t) => {
    t.uuid('file_id').notNullable().references('job_files.id').onDelete('CASCADE');
    t.integer('seq').notNullable();
    t.binary('data').notNullable();
    t.primary(['file_id', 'seq']);
  });

  // Which CSV row of an import run made which link. Written in the same transaction as the
  // link, so a retried or duplicated run skips rows already done instead of creating twice.
  await knex.schema.createTable('job_import_rows', (t) => {
    t.uuid('run_id').notNullable().references('job_runs.id').onDelete('CASCADE');
    t.integer('row').notNullable();
    t.bigInteger('link_id').notNullable().references('links.id').onDelete('CASCADE');
    t.primary(['run_id', 'row']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('job_import_rows');
  await knex.schema.dropTable('job_file_chunks');
  await knex.schema.dropTable('job_files');
  await knex.schema.dropTable('job_runs');
}
