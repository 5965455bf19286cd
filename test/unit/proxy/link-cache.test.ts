import assert from 'node:assert/strict';
import { LinkCache, type CachedLink } from '../../../src/proxy/link-cache';

const link = (destination: string): CachedLink => ({ id: 1, userId: 1, destination, active: true, archived: false, passwordHash: null, startsAt: null, endsAt: null, expires: false, expiresAt: null });

/** A loader the test answers by hand, so a lookup can be held open across an invalidation. */
function controlledLoader() {
  const pending: Array<(value: CachedLink | null) => void> = [];
  let calls = 0;
  return {
    load: (_code: string) => {
      calls++;
      return new Promise<CachedLink | null>((resolve) => pending.push(resolve));
    },
    answer: (value: CachedLink | null) => (pending.shift() as (v: CachedLink | null) => void)(value),
    get calls() {
      return calls;
    },
  };
}

describe('LinkCache', () => {
  it('answers from memory while fresh and not after its TTL', async () => {
    const loader = controlledLoader();
    const cache = new LinkCache(loader.load, 1000);
    const got = cache.get('abc');
    loader.answer(link('https://a.example'));
    await got;
    assert.equal(cache.peek('abc')?.destination, 'https://a.example');
    assert.equal(cache.peek('abc', Date.now() + 2000), undefined);
  });

  it('shares one lookup between concurrent misses', async () => {
    const loader = controlledLoader();
    const cache = new LinkCache(loader.load, 1000);
    const both = Promise.all([cache.get('abc'), cache.get('abc')]);
    loader.answer(link('https://a.example'));
    await both;
    assert.equal(loader.calls, 1);
  });

  it('forgets a code at once when it is invalidated', async () => {
    const loader = controlledLoader();
    const cache = new LinkCache(loader.load, 60_000);
    const got = cache.get('abc');
    loader.answer(null);
    await got;
    assert.equal(cache.peek('abc'), null, 'unknown codes are cached too');
    cache.invalidate('abc');
    assert.equal(cache.peek('abc'), undefined);
  });

  it('does not cache a lookup that was under way when the code was invalidated', async () => {
    const loader = controlledLoader();
    const cache = new LinkCache(loader.load, 60_000);
    const stale = cache.get('abc');
    cache.invalidate('abc');
    const fresh = cache.get('abc');
    assert.equal(loader.calls, 2, 'a new lookup starts after the invalidation');
    loader.answer(link('https://old.example'));
    assert.equal((await stale)?.destination, 'https://old.example', 'the earlier request still gets its answer');
    assert.equal(cache.peek('abc'), undefined, 'but it is not cached');
    loader.answer(link('https://new.example'));
    await fresh;
    assert.equal(cache.peek('abc')?.destination, 'https://new.example');
  });

  it('empties itself on clear', async () => {
    const loader = controlledLoader();
    const cache = new LinkCache(loader.load, 60_000);
    const got = cache.get('abc');
    loader.answer(link('https://a.example'));
    await got;
    cache.clear();
    assert.equal(cache.peek('abc'), undefined);
  });

  it('keeps serving a stale entry when the lookup fails', async () => {
    let fail = false;
    const cache = new LinkCache(async () => {
      if (fail) throw new Error('database down');
      return link('https://a.example');
    }, 0);
    await cache.get('abc');
    fail = true;
    assert.equal((await cache.get('abc'))?.destination, 'https://a.example');
  });
});
