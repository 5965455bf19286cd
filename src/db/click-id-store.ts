import type { Db } from './knex';

/**
 * Reserves `count` ids from the clicks id sequence in one round trip. nextval never hands the
 * same value out twice, so ids reserved here cannot collide with ones the clicks table assigns
 * itself; they need not be contiguous (other sessions draw from the sequence concurrently).
 * The sequence's name is looked up once per call (a catalog scan), not once per id.
 */
export async function reserveClickIds(db: Db, count: number): Promise<number[]> {
  // One value, not a row per id: a batch of thousands would be as many rows to send and parse.
  const { rows } = await db.raw<{ rows: Array<{ ids: string | null }> }>(
    "SELECT string_agg(nextval((SELECT pg_get_serial_sequence('clicks', 'id')::regclass))::text, ',') AS ids FROM generate_series(1, ?::int)",
    [count],
  );
  const ids = rows[0]?.ids;
  return ids ? ids.split(',').map(Number) : [];
}
