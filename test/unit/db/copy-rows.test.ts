import assert from 'node:assert/strict';
import { createDb, type Db } from '../../../src/db/knex';
import { copyField, copyRows, copyText } from '../../../src/db/copy-rows';
import { isUniqueViolation } from '../../../src/db/pg-errors';

const HOSTILE = [
  'tab\there', 'line\nbreak', 'carriage\rreturn', 'crlf\r\n', 'back\\slash', 'ends with \\', '\\',
  '\\N', 'N', 'NULL', 'null', '', ' ', '\\.', '.', 'a\\tb', 'a\\nb', '\\\\N', '\t\n\r\\',
  '"quoted", {braces}', "it's", '日本語', 'emoji 🎉 and ZWJ 👩‍💻', 'עברית', 'e\u0301', '\u2028\u2029', '\u001f\u0001',
];

describe('copyField: a value in COPY\'s text format', () => {
  it('writes NULL as \\N and a string that reads \\N with its backslash doubled', () => {
    assert.equal(copyField(null), '\\N');
    assert.equal(copyField('\\N'), '\\\\N');
  });

  it('escapes backslash, tab, newline and carriage return, and nothing else', () => {
    assert.equal(copyField('a\tb\nc\rd\\e'), 'a\\tb\\nc\\rd\\\\e');
    assert.equal(copyField('São "x", {y} 🎉'), 'São "x", {y} 🎉');
  });

  it('writes numbers and booleans as they print', () => {
    assert.deepEqual([copyField(42), copyField(true), copyField(false)], ['42', 'true', 'false']);
  });

  it('ends every row with a newline and separates fields by tabs', () => {
    assert.equal(copyText([['a', null], ['b\tc', 1]]), 'a\t\\N\nb\\tc\t1\n');
  });
});

describe('copyRows: rows through a real COPY in the caller\'s transaction', () => {
  let db: Db;
  before(() => {
    db = createDb(process.env.DATABASE_URL as string, { max: 2 });
  });
  after(() => db.destroy());

  const createTable = (trx: Db) => trx.raw('CREATE TEMP TABLE copied (n int PRIMARY KEY, t text, flag boolean, at timestamptz) ON COMMIT DROP');

  it('stores every hostile string, NULL and typed value exactly as given', async () => {
    const rows = HOSTILE.map((t, n) => [n, t, n % 2 === 0, new Date(Date.UTC(2026, 11, 7, 1, 2, n)).toISOString()] as const);
    const withNull = [...rows, [HOSTILE.length, null, null, null] as const];
    const back = await db.transaction(async (trx) => {
      await createTable(trx);
      assert.equal(await copyRows(trx, 'copied', ['n', 't', 'flag', 'at'], withNull), withNull.length);
      return (await trx.raw<{ rows: Array<{ n: number; t: string | null; flag: boolean | null; at: Date | null }> }>('SELECT n, t, flag, at FROM copied ORDER BY n')).rows;
    });
    assert.deepEqual(back.map((r) => r.t), [...HOSTILE, null]);
    assert.deepEqual(back.map((r) => r.flag), withNull.map(([, , flag]) => flag));
    assert.deepEqual(back.map((r) => r.at?.toISOString() ?? null), withNull.map(([, , , at]) => at));
  });

  it('is part of the transaction: rolled back with it, and a failed COPY leaves the connection usable after a savepoint', async () => {
    let failure: unknown;
    let kept: string[] = [];
    const rollBack = new Error('roll back');
    const outcome = await db.transaction(async (trx) => {
      await createTable(trx);
      await copyRows(trx, 'copied', ['n', 't'], [[1, 'kept']]);
      await trx.raw('SAVEPOINT before_copy');
      failure = await copyRows(trx, 'copied', ['n', 't'], [[2, 'new'], [1, 'repeated']]).catch((err: unknown) => err);
      await trx.raw('ROLLBACK TO SAVEPOINT before_copy');
      kept = (await trx.raw<{ rows: Array<{ t: string }> }>('SELECT t FROM copied ORDER BY n')).rows.map((r) => r.t);
      await trx.raw('CREATE TABLE copy_rows_rolled_back (n int)');
      await copyRows(trx, 'copy_rows_rolled_back', ['n'], [[1]]);
      throw rollBack;
    }).catch((err: unknown) => err);
    assert.equal(outcome, rollBack, 'the transaction ran to its end');
    assert.ok(isUniqueViolation(failure), 'the repeated key fails the COPY');
    assert.deepEqual(kept, ['kept'], 'only the rows before the savepoint remain');
    assert.equal((await db.raw("SELECT to_regclass('copy_rows_rolled_back') AS t")).rows[0].t, null, 'the rolled-back transaction wrote nothing');
  });

  it('refuses a transaction that has ended, whose connection may already serve someone else', async () => {
    const trx = await db.transaction();
    await trx.commit();
    await assert.rejects(copyRows(trx, 'copied', ['n'], [[1]]), /open transaction/);
  });
});
