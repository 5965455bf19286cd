import assert from 'node:assert/strict';
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/logger';
import { reportGeoipAge } from '../../src/workers/geoip-age';

describe('The GeoIP data date at worker start', () => {
  let dir: string;
  let lines: Array<{ level: number; msg: string; data_date?: string; source?: string }>;
  const logger = () => createLogger('info', 'test', 'json', new Writable({ write(chunk, _e, done) { lines.push(JSON.parse(String(chunk))); done(); } }));
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'geoip-'));
    lines = [];
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('logs the date the update stamp records, at info while under a year old', async () => {
    await writeFile(join(dir, 'linktally-updated-at'), '2026-06-01T00:00:00.000Z\n');
    await reportGeoipAge(logger(), dir, Date.parse('2026-12-01T00:00:00Z'));
    assert.equal(lines[0]?.level, 30);
    assert.equal(lines[0]?.data_date, '2026-06-01');
    assert.equal(lines[0]?.source, 'update');
  });

  it('warns when the data is more than a year old, falling back to the files’ date', async () => {
    await writeFile(join(dir, 'geoip-city.dat'), '');
    const old = new Date('2024-01-15T00:00:00Z');
    await utimes(join(dir, 'geoip-city.dat'), old, old);
    await reportGeoipAge(logger(), dir, Date.parse('2026-12-01T00:00:00Z'));
    assert.equal(lines[0]?.level, 40);
    assert.equal(lines[0]?.data_date, '2024-01-15');
    assert.match(lines[0]?.msg ?? '', /more than a year old/);
  });

  it('warns when there is no data at all', async () => {
    await reportGeoipAge(logger(), dir);
    assert.equal(lines[0]?.level, 40);
  });
});
