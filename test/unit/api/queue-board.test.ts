import assert from 'node:assert/strict';
import { boardJobData } from '../../../src/api/queue-board';

describe('boardJobData (what the queue board shows of a job)', () => {
  it('shows a sealed edge batch and a failed batch\'s enriched rows only by their size', () => {
    assert.deepEqual(boardJobData({ sealed: 'abcdef', requestId: 'r1' }), { sealed: '[sealed visitor data: 6 characters]', requestId: 'r1' });
    assert.deepEqual(boardJobData({ stored: [{ ip_hash: 'h' }, { ip_hash: 'k' }] }), { stored: '[2 enriched events]' });
  });

  it('shows every other payload as it is', () => {
    assert.deepEqual(boardJobData({ runId: 'x', userId: 3 }), { runId: 'x', userId: 3 });
    assert.deepEqual(boardJobData({}), {});
    assert.equal(boardJobData(null), null);
  });
});
