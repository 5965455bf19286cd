import assert from 'node:assert/strict';
import { daysEndingToday, daysOf, nextDay, utcDay } from '../../../src/lib/days';

describe('UTC days', () => {
  const now = new Date('2025-01-07T15:30:00Z');

  it('counts a window of N days as N whole UTC days ending with today', () => {
    const window = daysEndingToday(3, now);
    assert.equal(window.start.toISOString(), '2025-01-05T00:00:00.000Z');
    assert.equal(window.end.toISOString(), '2025-01-08T00:00:00.000Z');
    assert.deepEqual(daysOf(window), ['2025-01-05', '2025-01-06', '2025-01-07']);
  });

  it('names UTC days across a month and a year boundary', () => {
    assert.equal(utcDay(new Date('2024-12-31T23:59:59.999Z')), '2024-12-31');
    assert.equal(nextDay('2024-12-31'), '2025-01-01');
    assert.equal(nextDay('2024-02-28'), '2024-02-29');
  });
});
