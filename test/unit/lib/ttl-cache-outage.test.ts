import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import pino from 'pino';
import { OutageLog, OUTAGE_SUMMARY_EVERY_MS } from '../../../src/lib/outage-log';
import { RELOAD_BACKOFF, TtlCache } from '../../../src/lib/ttl-cache';

/** A logger whose lines the test reads. */
function capturedLogger() {
  const lines: Array<{ level: number; msg: string; err?: string }> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

describe('TtlCache while its database is down', () => {
  let clock = 1_000_000;
  const now = () => clock;
  let down = false;
  let loads = 0;
  const load = async (key: string) => {
    loads++;
    if (down) throw new Error('connect ECONNREFUSED 127.0.0.1:5432\n    at TCPConnectWrap.afterConnect');
    return { key };
  };

  beforeEach(() => {
    clock = 1_000_000;
    down = false;
    loads = 0;
  });

  it('extends a stale entry past a failed reload and tries again only after a growing, capped delay', async () => {
    const { logger } = capturedLogger();
    const cache = new TtlCache(load, 1000, 100, now, new OutageLog(logger, 'link lookups', {}, now));
    await cache.get('a');
    down = true;
    clock += 2000; // stale
    assert.deepEqual(await cache.get('a'), { key: 'a' });
    assert.equal(loads, 2);
    assert.deepEqual(cache.peek('a'), { key: 'a' }, 'the hot path serves it synchronously until the retry');

    // A stream of requests for a whole minute: one load per backoff, not one per request.
    const start = loads;
    for (let t = 0; t < 60_000; t += 10) {
      clock += 10;
      if (cache.peek('a') === undefined) await cache.get('a');
    }
    const attempts = loads - start;
    assert.ok(attempts <= 60_000 / RELOAD_BACKOFF.maxMs + 4, `${attempts} load attempts in a minute`);
    assert.ok(attempts >= 60_000 / RELOAD_BACKOFF.maxMs - 1);

    down = false;
    clock += RELOAD_BACKOFF.maxMs;
    await cache.get('a');
    clock += 1;
    assert.deepEqual(cache.peek('a'), { key: 'a' });
    const after = loads;
    clock += 500;
    cache.peek('a');
    assert.equal(loads, after, 'fresh again for its TTL once the database answers');
  });

  it('fails a key it has never seen at once while backing off, without another load', async () => {
    const cache = new TtlCache(load, 1000, 100, now);
    down = true;
    await assert.rejects(cache.get('a'), /ECONNREFUSED/);
    await assert.rejects(cache.get('b'), /ECONNREFUSED/);
    assert.equal(loads, 1);
    clock += RELOAD_BACKOFF.firstMs;
    await assert.rejects(cache.get('b'), /ECONNREFUSED/);
    assert.equal(loads, 2);
  });

  it('logs the failure once, one line without a stack, a summary each minute, and the recovery', async () => {
    const { logger, lines } = capturedLogger();
    const cache = new TtlCache(load, 1000, 100, now, new OutageLog(logger, 'link lookups', {}, now));
    await cache.get('a');
    down = true;
    for (let t = 0; t < 2.5 * OUTAGE_SUMMARY_EVERY_MS; t += 100) {
      clock += 100;
      if (cache.peek('a') === undefined) await cache.get('a');
    }
    down = false;
    clock += RELOAD_BACKOFF.maxMs;
    await cache.get('a');
    assert.deepEqual(lines.map((l) => l.msg), [
      'link lookups failing; logged again once a minute while it lasts',
      'link lookups still failing',
      'link lookups still failing',
      'link lookups working again',
    ]);
    assert.equal(lines[0]?.err, 'connect ECONNREFUSED 127.0.0.1:5432');
  });
});
