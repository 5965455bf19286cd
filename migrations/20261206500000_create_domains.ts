import type { Knex } from 'knex';

/**
 * Custom domains: an owner's hostname, the token its verification fetches from
 * http://<hostname>/.well-known/linktally/<token>, the verification's state, and the two
 * redirects a domain has of its own (its root, and a code it does not know).
 * Links may live on a domain (domain_id; null = PUBLIC_BASE_URL's host): a short code is unique
 * per domain, so the unique index becomes one over (domain, code) under the same name, which
 * the code already recognises as "Short code has already been taken".
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('domains', (t) => {
    t.bigIncrements('id');
    t.bigInteger('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.text('hostname').notNullable().unique();
    t.text('verification_token').notNullable();
    t.text('status').notNullable().defaultTo('pending');
    t.integer('verification_attempts').notNullable().defaultTo(0);
    t.text('last_verification_error');
    t.timestamp('verified_at', { useTz: true });
    t.timestamp('last_checked_at', { useTz: true });
    t.text('root_redirect_url');
    t.text('not_found_redirect_url');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['user_id']);
  });
  await knex.raw("ALTER TABLE domains ADD CONSTRAINT domains_status_check CHECK (status IN ('pending', 'active', 'failed'))");
  await knex.raw('ALTER TABLE links ADD COLUMN domain_id bigint REFERENCES domains(id) ON DELETE RESTRICT');
  await knex.raw('ALTER TABLE links DROP CONSTRAINT links_short_code_unique');
  await knex.raw('CREATE UNIQUE INDEX links_short_code_unique ON links ((COALESCE(domain_id, 0)), short_code)');
  await knex.raw('CREATE INDEX links_domain_id_index ON links (domain_id) WHERE domain_id IS NOT NULL');
}

/** Down fails if two domains hold one code: a single global code cannot be restored then. */
export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX links_short_code_unique');
  await knex.raw('ALTER TABLE links DROP COLUMN domain_id');
  await knex.raw('ALTER TABLE links ADD CONSTRAINT links_short_code_unique UNIQUE (short_code)');
  await knex.schema.dropTable('domains');
}
