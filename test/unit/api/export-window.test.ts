import assert from 'node:assert/strict';
import { exportWindow } from '../../../src/api/package-export';

describe('package export window', () => {
  it("matches the seed's example: days=30 on 2025-01-07 spans 2024-12-08T00:00 to 2025-01-07T23:59:59", () => {
    assert.deepEqual(exportWindow(30, new Date('2025-01-07T12:30:00Z')), { startDate: '2024-12-08T00:00:00.000Z', endDate: '2025-01-07T23:59:59.000Z' });
  });

  it('for one day covers yesterday from midnight and all of today', () => {
    assert.deepEqual(exportWindow(1, new Date('2026-03-01T00:00:01Z')), { startDate: '2026-02-28T00:00:00.000Z', endDate: '2026-03-01T23:59:59.000Z' });
  });
});
