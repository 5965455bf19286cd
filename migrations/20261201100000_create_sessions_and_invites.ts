import type { Knex } from 'knex';

/**
 * Accounts for people, not just API clients: a username and a password (scrypt) per user, an
 * admin flag, server-side browser sessions and invites. Tokens learn their name and the token
 * that generated them, so revoking a token can revoke its descendants.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.text('username');
    t.text('password_hash');
    t.boolean('is_admin').notNullable().defaultTo(false);
  });
  // Existing users get a placeholder they can keep or an admin can change later.
  await knex.raw(`UPDATE users SET username = 'user' || id WHERE username IS NULL`);
  await knex.raw('ALTER TABLE users ALTER COLUMN username SET NOT NULL');
  // The same rule as USERNAME_PATTERN (user-store.ts); no `?` here, which knex.raw reads as a binding.
  await knex.raw(`ALTER TABLE users ADD CONSTRAINT users_username_check CHECK (username ~ '^[a-z0-9]([a-z0-9-]{0,37}[a-z0-9]){0,1}$')`);
  await knex.raw('CREATE UNIQUE INDEX users_username_unique ON users (username)');
  // Earlier accounts were created by an operator on the server; the oldest becomes the admin.
  await knex.raw('UPDATE users SET is_admin = true WHERE id = (SELECT min(id) FROM users)');

  await knex.schema.alterTable('api_tokens', (t) => {
    t.text('name');
    t.bigInteger('parent_token_id').references('api_tokens.id').onDelete('SET NULL');
    t.index(['parent_token_id']);
  });

  await knex.schema.createTable('sessions', (t) => {
    t.bigIncrements('id');
    t.bigInteger('user_id').notNullable().references('users.id').onDelete('CASCADE');
    // SHA-256 of the cookie's random value; the value itself is never stored.
    t.text('token_hash').notNullable().unique();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('last_seen_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.index(['user_id']);
    t.index(['expires_at']);
  });

  await knex.schema.createTable('invites', (t) => {
    t.bigIncrements('id');
    t.text('token_hash').notNullable().unique();
    t.bigInteger('created_by').references('users.id').onDelete('SET NULL');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('used_at', { useTz: true });
    t.bigInteger('used_by').references('users.id').onDelete('SET NULL');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('invites');
  await knex.schema.dropTable('sessions');
  await knex.schema.alterTable('api_tokens', (t) => {
    t.dropColumn('parent_token_id');
    t.dropColumn('name');
  });
  await knex.schema.alterTable('users', (t) => {
    t.dropColumn('is_admin');
    t.dropColumn('password_hash');
    t.dropColumn('username');
  });
}
