import knex, { type Knex } from 'knex';
import pg from 'pg';

export type Db = Knex;

let typeParsersInstalled = false;

/**
 * Counts and ids are int8 in PostgreSQL; they stay well inside 2^53, so they are read as
 * numbers rather than pg's default strings. numeric (money values) is read as a float.
 */
function installTypeParsers(): void {
  if (typeParsersInstalled) return;
  pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
  pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));
  typeParsersInstalled = true;
}

export function createDb(databaseUrl: string, pool: { min?: number; max?: number } = {}): Db {
  installTypeParsers();
  return knex({
    client: 'pg',
    connection: databaseUrl,
    pool: { min: pool.min ?? 0, max: pool.max ?? 10 },
    migrations: migrationConfig(),
  });
}

/** Migrations run from TypeScript under tsx and from the compiled JavaScript in production. */
export function migrationConfig(): Knex.MigratorConfig {
  const compiled = __filename.endsWith('.js');
  return {
    directory: require('node:path').resolve(__dirname, '../../migrations'),
    loadExtensions: [compiled ? '.js' : '.ts'],
    tableName: 'knex_migrations',
  };
}
