import type { Db } from './knex';

/**
 * Reserves `count` ids from the clicks id sequence in one round trip. nextval never hands the
 * same value out twice, so ids reserved here cannot collide with ones the clicks table assigns
 * itself; they need not be contiguous (other sessions draw from the sequence concurrently).
 * The sequence's name is looked up once per call (a catalog scan), not once per id.
 */
export async function reserveClickIds(db: Db, count: number): Promise<number[]> {
  const { rows } = await db.raw<{ rows: Array<{ id: number }> }>(
    "SELECT nextval((SELECT pg_get_serial_sequence('clicks', 'id')::regclass)) AS id FROM generate_series(1, ?::int)",
    [count],
  );
  return rows.map((r) => r.id);
}
