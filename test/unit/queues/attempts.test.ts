import assert from 'node:assert/strict';
import { isLastAttempt } from '../../../src/queues/attempts';

describe('isLastAttempt', () => {
  it('while a processor runs, counts the attempts made before this one', () => {
    assert.equal(isLastAttempt({ attemptsMade: 3, opts: { attempts: 5 } }), false);
    assert.equal(isLastAttempt({ attemptsMade: 4, opts: { attempts: 5 } }), true);
  });

  it('in a failed handler, counts the attempt that just failed', () => {
    assert.equal(isLastAttempt({ attemptsMade: 4, opts: { attempts: 5 } }, true), false);
    assert.equal(isLastAttempt({ attemptsMade: 5, opts: { attempts: 5 } }, true), true);
  });

  it('gives a job without BullMQ, or without an attempts option, one attempt', () => {
    assert.equal(isLastAttempt(undefined), true);
    assert.equal(isLastAttempt({ attemptsMade: 0, opts: {} }), true);
  });
});
