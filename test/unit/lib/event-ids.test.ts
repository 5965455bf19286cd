import assert from 'node:assert/strict';
import { timeOrderedId } from '../../../src/lib/event-ids';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('event ids (UUID version 7)', () => {
  it('are UUIDs of version 7 and the RFC variant, whose first 48 bits are the time in milliseconds', () => {
    const at = Date.parse('2026-12-07T02:30:00.123Z');
    const id = timeOrderedId(at);
    assert.match(id, V7);
    assert.equal(parseInt(id.slice(0, 8) + id.slice(9, 13), 16), at);
  });

  it('sort as their times do, and are distinct within one millisecond and across pool refills', () => {
    const at = Date.parse('2026-12-07T02:30:00Z');
    const ids = Array.from({ length: 3_000 }, (_, i) => timeOrderedId(at + Math.floor(i / 1_000)));
    assert.equal(new Set(ids).size, ids.length);
    for (const id of ids) assert.match(id, V7);
    const [first, second, third] = [ids[0] ?? '', ids[1_000] ?? '', ids[2_000] ?? ''];
    assert.ok(first < second && second < third);
  });

  it('carry the epoch and the far future in 12 hex digits', () => {
    assert.ok(timeOrderedId(0).startsWith('00000000-0000-7'));
    assert.ok(timeOrderedId(2 ** 48 - 1).startsWith('ffffffff-ffff-7'));
  });
});
