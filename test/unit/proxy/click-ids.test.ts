import assert from 'node:assert/strict';
import { createLogger } from '../../../src/logger';
import { appendClickId, ClickIdBlocks } from '../../../src/proxy/click-ids';

const logger = createLogger('silent');

describe('ClickIdBlocks', () => {
  it('hands out reserved ids in order and reserves the next block before the current one runs out', async () => {
    let next = 100;
    const reserved: number[][] = [];
    const blocks = new ClickIdBlocks(async (count) => {
      const ids = Array.from({ length: count }, () => next++);
      reserved.push(ids);
      return ids;
    }, logger, { blockSize: 4, lowWater: 1, retryMs: 1000 });

    assert.equal(blocks.take(), undefined, 'nothing before the first block arrives');
    assert.equal(await blocks.acquire(1000), 100);
    assert.deepEqual([blocks.take(), blocks.take()], [101, 102]);
    // One id left: at the low-water mark a refill starts; the remaining id is still served first.
    assert.equal(blocks.take(), 103);
    assert.equal(await blocks.acquire(1000), 104);
    assert.equal(reserved.length, 2);
  });

  it('gives up quietly while the database is down and tries again after the pause', async () => {
    let fail = true;
    let attempts = 0;
    let now = 1_000_000;
    const blocks = new ClickIdBlocks(async (count) => {
      attempts++;
      if (fail) throw new Error('connection refused');
      return Array.from({ length: count }, (_, i) => i + 1);
    }, logger, { blockSize: 10, lowWater: 2, retryMs: 1000 }, () => now);

    assert.equal(await blocks.acquire(1000), undefined);
    assert.equal(await blocks.acquire(1000), undefined, 'no new attempt inside the pause');
    assert.equal(attempts, 1);
    fail = false;
    now += 999;
    assert.equal(await blocks.acquire(1000), undefined, 'still inside the pause');
    now += 1;
    assert.equal(await blocks.acquire(1000), 1);
  });

  it('stops waiting for a block after the timeout', async () => {
    const blocks = new ClickIdBlocks(() => new Promise<number[]>(() => undefined), logger);
    const started = Date.now();
    assert.equal(await blocks.acquire(30), undefined);
    assert.ok(Date.now() - started < 1000);
  });
});

describe('appendClickId', () => {
  it('sets lt_click on the destination and keeps its other parameters', () => {
    const url = new URL(appendClickId('https://shop.example/p?utm_source=x&lt_click=forged', 789));
    assert.equal(url.searchParams.get('lt_click'), '789');
    assert.equal(url.searchParams.get('utm_source'), 'x');
    assert.equal(url.searchParams.getAll('lt_click').length, 1);
  });

  it('leaves the destination alone without an id', () => {
    assert.equal(appendClickId('https://shop.example/p?a=1', undefined), 'https://shop.example/p?a=1');
  });
});
