export type DatabaseSsl = 'url' | 'no-verify' | 'verify' | 'off';

export interface PgConnection {
  connectionString: string;
  ssl?: false | { rejectUnauthorized: boolean };
}

/** The URL parameters by which pg reads TLS settings; they would override an explicit `ssl`. */
const SSL_PARAMS = ['ssl', 'sslmode', 'sslcert', 'sslkey', 'sslrootcert', 'uselibpqcompat'];

/**
 * pg's connection settings for a DATABASE_URL and DATABASE_SSL. pg lets the URL's sslmode win
 * over an `ssl` option, so an explicit mode strips those parameters from the URL first: a
 * provider's URL with `?sslmode=require` then still connects to a self-signed server under
 * `no-verify`. Every PostgreSQL connection (knex pool, release, ensure-database) is built here.
 */
export function pgConnection(databaseUrl: string, ssl: DatabaseSsl): PgConnection {
  if (ssl === 'url') return { connectionString: databaseUrl };
  const url = new URL(databaseUrl);
  for (const param of SSL_PARAMS) url.searchParams.delete(param);
  const connectionString = url.toString();
  if (ssl === 'off') return { connectionString, ssl: false };
  return { connectionString, ssl: { rejectUnauthorized: ssl === 'verify' } };
}

/** host:port of a DATABASE_URL, for error messages (never the password). */
export function pgAddress(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  return `${url.hostname}:${url.port || '5432'}`;
}
