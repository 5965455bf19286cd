import assert from 'node:assert/strict';
import type { BadgePackage } from '../../../src/db/package-stats-store';
import { BadgeCache } from '../../../src/proxy/badge-cache';

describe('The badge cache', () => {
  let clock = 0;
  let loads: string[];
  let answer: BadgePackage | null | Error;
  const cache = () =>
    new BadgeCache(
      async (slug) => {
        loads.push(slug);
        if (answer instanceof Error) throw answer;
        return answer;
      },
      60_000,
      2,
      () => clock,
    );
  beforeEach(() => {
    clock = 0;
    loads = [];
    answer = { installs: 5, isPrivate: false };
  });

  it('loads a slug once for many concurrent requests and serves it until the TTL passes', async () => {
    const c = cache();
    const all = await Promise.all(Array.from({ length: 50 }, () => c.get('pkg')));
    assert.ok(all.every((p) => p?.installs === 5));
    assert.deepEqual(loads, ['pkg']);
    answer = { installs: 6, isPrivate: false };
    clock = 59_999;
    assert.equal((await c.get('pkg'))?.installs, 5);
    clock = 60_000;
    assert.equal((await c.get('pkg'))?.installs, 6);
    assert.equal(loads.length, 2);
  });

  it('remembers unknown slugs too', async () => {
    answer = null;
    const c = cache();
    assert.equal(await c.get('nope'), null);
    assert.equal(await c.get('nope'), null);
    assert.equal(loads.length, 1);
  });

  it('keeps serving a stale answer while the database is unreachable, and fails only with nothing cached', async () => {
    const c = cache();
    await c.get('pkg');
    clock = 120_000;
    answer = new Error('connection refused');
    assert.equal((await c.get('pkg'))?.installs, 5);
    await assert.rejects(c.get('other'), /connection refused/);
  });

  it('holds at most its bound of entries, dropping the oldest', async () => {
    const c = cache();
    await c.get('a');
    await c.get('b');
    await c.get('c');
    await c.get('b');
    await c.get('a');
    assert.deepEqual(loads, ['a', 'b', 'c', 'a']);
  });
});
