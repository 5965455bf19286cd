import pg from 'pg';
import { pgConnection, type DatabaseSsl } from './pg-connection';

const UNDEFINED_DATABASE = '3D000';
const DUPLICATE_DATABASE = '42P04';

/**
 * Creates the database named in the URL when it is missing. The server's `postgres`
 * maintenance database is touched only then: managed providers often refuse connections to
 * it, and their database always exists already.
 */
export async function ensureDatabase(databaseUrl: string, ssl: DatabaseSsl = 'url'): Promise<boolean> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!name) throw new Error('DATABASE_URL names no database');
  const target = new pg.Client(pgConnection(databaseUrl, ssl));
  try {
    await target.connect();
    return false;
  } catch (err) {
    if ((err as { code?: string }).code !== UNDEFINED_DATABASE) throw err;
  } finally {
    await target.end().catch(() => {});
  }
  url.pathname = '/postgres';
  const client = new pg.Client(pgConnection(url.toString(), ssl));
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
    return true;
  } catch (err) {
    // Another process created it between our attempt and our CREATE.
    if ((err as { code?: string }).code !== DUPLICATE_DATABASE) throw err;
    return false;
  } finally {
    await client.end();
  }
}
