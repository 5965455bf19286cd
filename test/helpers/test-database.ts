import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { createDb, type Db } from '../../src/db/knex';
import { migrateLatest } from '../../src/db/migrate';

/**
 * Each test run gets its own database, cloned from a template that is migrated once per
 * version of the migrations (CREATE DATABASE … TEMPLATE), so runs are isolated from each other
 * and from development data, and do not pay for migrations every time.
 */

const SERVER_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const MIGRATIONS = join(__dirname, '../../migrations');

function urlFor(database: string): string {
  const url = new URL(SERVER_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

function migrationsHash(): string {
  const hash = createHash('sha256');
  for (const file of readdirSync(MIGRATIONS).sort()) {
    hash.update(file).update(readFileSync(join(MIGRATIONS, file)));
  }
  return hash.digest('hex').slice(0, 12);
}

async function withServer<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: SERVER_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function dropAbandonedRunDatabases(client: pg.Client): Promise<void> {
  const { rows } = await client.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'linktally_test_%'");
  for (const { datname } of rows) {
    const pid = Number(datname.split('_')[2]);
    if (Number.isInteger(pid) && !processAlive(pid)) {
      await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(datname)} WITH (FORCE)`);
    }
  }
}

/** Templates of earlier migration sets; clones only happen under the same lock, so none is in use. */
async function dropOutdatedTemplates(client: pg.Client, current: string): Promise<void> {
  const { rows } = await client.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'linktally\\_tmpl\\_%' AND datname <> $1", [current]);
  for (const { datname } of rows) {
    await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(datname)} WITH (FORCE)`);
  }
}

export async function createRunDatabase(): Promise<string> {
  const template = `linktally_tmpl_${migrationsHash()}`;
  const run = `linktally_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withServer(async (client) => {
    // Concurrent runs (several checkouts on one machine) build the template once between them.
    await client.query('SELECT pg_advisory_lock(727274)');
    try {
      await dropAbandonedRunDatabases(client);
      await dropOutdatedTemplates(client, template);
      const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
      if (!exists.rowCount) {
        await client.query(`CREATE DATABASE ${pg.escapeIdentifier(template)}`);
        const db = createDb(urlFor(template), { max: 1 });
        try {
          await migrateLatest(db);
        } catch (err) {
          await db.destroy();
          await client.query(`DROP DATABASE ${pg.escapeIdentifier(template)}`);
          throw err;
        }
        await db.destroy();
      }
      await client.query(`CREATE DATABASE ${pg.escapeIdentifier(run)} TEMPLATE ${pg.escapeIdentifier(template)}`);
    } finally {
      await client.query('SELECT pg_advisory_unlock(727274)');
    }
  });
  return urlFor(run);
}

export async function dropRunDatabase(databaseUrl: string): Promise<void> {
  const name = new URL(databaseUrl).pathname.slice(1);
  await withServer((client) => client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`));
}

/** Empties every application table between tests; the schema and migration history stay. */
export async function truncateAll(db: Db): Promise<void> {
  const { rows } = await db.raw<{ rows: Array<{ tablename: string }> }>(
    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE 'knex_migrations%'",
  );
  const parents = await db.raw<{ rows: Array<{ relname: string }> }>(
    "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'p'",
  );
  const partitioned = new Set(parents.rows.map((r) => r.relname));
  // Truncating a partitioned parent truncates its partitions; listing both is redundant but harmless.
  const tables = [...new Set([...rows.map((r) => r.tablename), ...partitioned])];
  if (tables.length === 0) return;
  const sql = `TRUNCATE ${tables.map((t) => `"${t}"`).join(', ')} RESTART IDENTITY CASCADE`;
  // A straggler from the previous test (a web process's last click batch landing) can still be
  // writing; PostgreSQL then picks one side of the deadlock to fail, and trying again is right.
  for (let attempt = 1; ; attempt++) {
    try {
      await db.raw(sql);
      return;
    } catch (err) {
      if ((err as { code?: string }).code !== '40P01' || attempt >= 5) throw err;
    }
  }
}
