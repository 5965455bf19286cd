import assert from 'node:assert/strict';
import { INGEST_ATTEMPTS, INGEST_RETRY, ingestRetryDelay } from '../../../src/queues/registry';

describe('Ingest job retries', () => {
  it('double from half a second up to a 15 s ceiling, jittered down by at most a fifth', () => {
    assert.deepEqual([1, 2, 3, 4, 5, 6, 50, 10_000].map((n) => ingestRetryDelay(n, () => 0)), [500, 1000, 2000, 4000, 8000, 15_000, 15_000, 15_000]);
    assert.equal(ingestRetryDelay(40, () => 1), 12_000);
  });

  it('keep a job retrying for the whole horizon even at the shortest delays', () => {
    let waited = 0;
    for (let made = 1; made < INGEST_ATTEMPTS; made++) waited += ingestRetryDelay(made, () => 1);
    assert.ok(waited >= INGEST_RETRY.horizonMs, `${waited} ms of retries`);
    assert.ok(waited < INGEST_RETRY.horizonMs * 1.01);
  });
});
