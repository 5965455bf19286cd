import type { Knex } from 'knex';

/**
 * Progress of a job that writes its run row inside one repeatable-read transaction (an export):
 * updating job_runs meanwhile would make that transaction's completion fail to serialise, so
 * its rows-done figures live beside the run, and the status URL reads both.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('job_run_progress', (t) => {
    t.uuid('run_id').primary().references('job_runs.id').onDelete('CASCADE');
    t.integer('done').notNullable();
    t.integer('total').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('job_run_progress');
}
