import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('links', (t) => {
    t.bigIncrements('id');
    t.bigInteger('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.text('short_code').notNullable().unique();
    t.text('destination_url').notNullable();
    t.text('title');
    t.text('description');
    t.specificType('tags', 'text[]').notNullable().defaultTo('{}');
    t.boolean('active').notNullable().defaultTo(true);
    t.boolean('archived').notNullable().defaultTo(false);
    t.text('password_hash');
    t.timestamp('scheduled_start_at', { useTz: true });
    t.timestamp('scheduled_end_at', { useTz: true });
    t.boolean('expires').notNullable().defaultTo(false);
    t.timestamp('expires_at', { useTz: true });
    t.jsonb('utm_params').notNullable().defaultTo('{}');
    t.bigInteger('click_count').notNullable().defaultTo(0);
    t.timestamp('last_clicked_at', { useTz: true });
    t.timestamps(true, true);
    t.index(['user_id', 'created_at']);
  });

  // Raw clicks grow without bound, so they are range-partitioned by month. The primary key and
  // the idempotency key must include the partition key; an event's clicked_at is fixed at the
  // edge, so (event_id, clicked_at) identifies a redelivered event exactly.
  await knex.raw(`
    CREATE TABLE clicks (
      id bigserial NOT NULL,
      event_id uuid NOT NULL,
      link_id bigint NOT NULL REFERENCES links(id) ON DELETE CASCADE,
      user_id bigint NOT NULL,
      variant_id bigint,
      clicked_at timestamptz NOT NULL,
      hashed_ip text NOT NULL,
      hashed_user_agent text NOT NULL,
      referrer_domain text,
      country_code char(2),
      city text,
      device_type text,
      browser_family text,
      os_family text,
      is_bot boolean NOT NULL DEFAULT false,
      PRIMARY KEY (id, clicked_at),
      UNIQUE (event_id, clicked_at)
    ) PARTITION BY RANGE (clicked_at)
  `);
  await knex.raw('CREATE INDEX clicks_link_id_clicked_at_idx ON clicks (link_id, clicked_at DESC)');
  await knex.raw('CREATE INDEX clicks_user_id_clicked_at_idx ON clicks (user_id, clicked_at DESC)');
  await knex.raw('CREATE TABLE clicks_default PARTITION OF clicks DEFAULT');

  // Creates the monthly partitions covering [first month, first month + n months). Called here
  // for the months around the migration and by a scheduled worker job from then on.
  await knex.raw(`
    CREATE FUNCTION ensure_click_partitions(first_month date, months integer) RETURNS void
    LANGUAGE plpgsql AS $$
    DECLARE
      m date := date_trunc('month', first_month)::date;
      name text;
    BEGIN
      FOR i IN 0 .. months - 1 LOOP
        name := 'clicks_' || to_char(m, 'YYYY_MM');
        IF to_regclass(name) IS NULL THEN
          EXECUTE format('CREATE TABLE %I PARTITION OF clicks FOR VALUES FROM (%L) TO (%L)',
                         name, m, (m + interval '1 month')::date);
        END IF;
        m := (m + interval '1 month')::date;
      END LOOP;
    END $$
  `);
  await knex.raw(`SELECT ensure_click_partitions((now() - interval '1 month')::date, 4)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP FUNCTION IF EXISTS ensure_click_partitions(date, integer)');
  await knex.raw('DROP TABLE IF EXISTS clicks CASCADE');
  await knex.schema.dropTable('links');
}
