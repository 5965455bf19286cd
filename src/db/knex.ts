import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import knex, { type Knex } from 'knex';
import pg from 'pg';
import { pgConnection, type DatabaseSsl } from './pg-connection';
import { OutageLog, type OutageLogger } from '../lib/outage-log';

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

/**
 * With a logger, knex's own warnings go to it, and a failure to connect — which knex prints
 * with its stack on every attempt, many a second while PostgreSQL is away — is logged once per
 * outage (OutageLog), as are the pool's dropped connections; the next connection made ends it.
 */
export function createDb(databaseUrl: string, pool: { min?: number; max?: number; ssl?: DatabaseSsl } = {}, logger?: OutageLogger): Db {
  installTypeParsers();
  const outage = logger ? new OutageLog(logger, 'PostgreSQL connections', { category: 'db' }) : undefined;
  return knex({
    client: 'pg',
    connection: pgConnection(databaseUrl, pool.ssl ?? 'url'),
    pool: {
      min: pool.min ?? 0,
      max: pool.max ?? 10,
      afterCreate: (connection: unknown, done: (err: Error | null, connection: unknown) => void) => {
        outage?.succeeded();
        done(null, connection);
      },
    },
    ...(logger && outage ? { log: knexLog(logger, outage) } : {}),
    migrations: { migrationSource: new MigrationFiles(), tableName: 'knex_migrations' },
  });
}

function knexLog(logger: OutageLogger, outage: OutageLog): Knex.Logger {
  const warn = (message: unknown) => {
    const text = String(message);
    // A pooled connection the server dropped ("Connection Error: …", one per idle connection
    // when PostgreSQL stops) is the same outage as a connection that cannot be made.
    const failure = /^(Acquire connection error|Connection Error): (Error: )?/.exec(text);
    if (failure) outage.failed(text.slice(failure[0].length));
    else logger.warn({ category: 'db' }, text.split('\n', 1)[0] ?? text);
  };
  return {
    warn,
    error: (message: unknown) => logger.error({ category: 'db' }, String(message).split('\n', 1)[0] ?? ''),
    deprecate: (method: string, alternative: string) => logger.warn({ category: 'db' }, `knex: ${method} is deprecated, use ${alternative}`),
    debug: () => undefined,
  };
}

interface MigrationFile {
  name: string;
  path: string;
}

/**
 * Migrations run from TypeScript under tsx (tests, `npm run migrate`) and from the compiled
 * JavaScript in production. They are recorded by name without the extension, so a database
 * migrated one way is recognised the other way.
 */
class MigrationFiles implements Knex.MigrationSource<MigrationFile> {
  private readonly directory = resolve(__dirname, '../../migrations');
  private readonly extension = __filename.endsWith('.js') ? '.js' : '.ts';

  async getMigrations(): Promise<MigrationFile[]> {
    return readdirSync(this.directory)
      .filter((file) => file.endsWith(this.extension) && !file.endsWith('.d.ts'))
      .sort()
      .map((file) => ({ name: file.slice(0, -this.extension.length), path: join(this.directory, file) }));
  }

  getMigrationName(migration: MigrationFile): string {
    return migration.name;
  }

  async getMigration(migration: MigrationFile): Promise<Knex.Migration> {
    return require(migration.path) as Knex.Migration;
  }
}
