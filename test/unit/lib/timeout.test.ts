import assert from 'node:assert/strict';
import { withTimeout } from '../../../src/lib/timeout';

describe('withTimeout', () => {
  it('passes through a promise that settles in time', async () => {
    assert.equal(await withTimeout(Promise.resolve(7), 1000, 'redis'), 7);
    await assert.rejects(withTimeout(Promise.reject(new Error('refused')), 1000, 'redis'), /refused/);
  });

  it('rejects naming what did not answer when the promise never settles', async () => {
    await assert.rejects(withTimeout(new Promise(() => undefined), 5, 'redis'), /^Error: redis did not answer within 5 ms$/);
  });
});
