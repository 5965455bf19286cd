import assert from 'node:assert/strict';
import { pgAddress, pgConnection } from '../../../src/db/pg-connection';

describe('pgConnection', () => {
  it('leaves the URL to pg when DATABASE_SSL is url', () => {
    assert.deepEqual(pgConnection('postgres://u:p@db:5432/app?sslmode=require', 'url'), { connectionString: 'postgres://u:p@db:5432/app?sslmode=require' });
  });

  it('drops the URL sslmode under no-verify, so a self-signed server is accepted even with ?sslmode=require', () => {
    const c = pgConnection('postgres://u:p@db:5432/app?sslmode=require&application_name=lt', 'no-verify');
    assert.equal(c.connectionString, 'postgres://u:p@db:5432/app?application_name=lt');
    assert.deepEqual(c.ssl, { rejectUnauthorized: false });
  });

  it('verifies under verify and speaks plain TCP under off', () => {
    assert.deepEqual(pgConnection('postgres://db/app', 'verify').ssl, { rejectUnauthorized: true });
    assert.equal(pgConnection('postgres://db/app?ssl=true', 'off').ssl, false);
  });

  it('names host and port without the password', () => {
    assert.equal(pgAddress('postgres://u:secret@127.0.0.1:5999/app'), '127.0.0.1:5999');
    assert.equal(pgAddress('postgres://db.example/app'), 'db.example:5432');
  });
});
