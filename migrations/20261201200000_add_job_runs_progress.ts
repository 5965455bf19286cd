import type { Knex } from 'knex';

/** How far a running job is (an import's rows done out of its rows), for the dashboard's progress bar. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('job_runs', (t) => {
    t.integer('progress_done');
    t.integer('progress_total');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('job_runs', (t) => {
    t.dropColumn('progress_done');
    t.dropColumn('progress_total');
  });
}
