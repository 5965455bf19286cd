import assert from 'node:assert/strict';
import { analyticsPeriod, analyticsQuery } from '../../../src/api/package-analytics.schema';

describe('The analytics period', () => {
  it("draws days=30 exactly as the seed's example: 2024-12-08T00:00:00Z to 2025-01-07T23:59:59Z", () => {
    const period = analyticsPeriod(30, new Date('2025-01-07T12:30:00Z'));
    assert.equal(period.start, '2024-12-08T00:00:00Z');
    assert.equal(period.end, '2025-01-07T23:59:59Z');
    assert.equal(period.dates.length, 31);
    assert.equal(period.dates[1], '2024-12-09');
  });

  it('counts days in UTC whatever the hour', () => {
    assert.deepEqual(analyticsPeriod(1, new Date('2024-03-01T23:59:59.999Z')).dates, ['2024-02-29', '2024-03-01']);
    assert.deepEqual(analyticsPeriod(1, new Date('2024-03-01T00:00:00Z')).dates, ['2024-02-29', '2024-03-01']);
  });
});

describe('The analytics days parameter', () => {
  it('accepts 1 to 365 and leaves the default to the handler when absent', () => {
    assert.deepEqual(analyticsQuery.parse({ days: '1' }), { days: 1 });
    assert.deepEqual(analyticsQuery.parse({ days: '365' }), { days: 365 });
    assert.deepEqual(analyticsQuery.parse({}), {});
  });

  it('refuses anything else', () => {
    for (const days of ['0', '366', '-5', 'x', '2.0', ' 5', ['1', '2']]) {
      assert.equal(analyticsQuery.safeParse({ days }).success, false, JSON.stringify(days));
    }
  });
});
