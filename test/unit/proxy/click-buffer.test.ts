import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import pino from 'pino';
import type { ClickEvent } from '../../../src/lib/edge-events';
import { createLogger } from '../../../src/logger';
import { ClickBuffer, clickBytes, type ClickBatch } from '../../../src/proxy/click-buffer';
import { waitFor } from '../../helpers/wait';

const logger = createLogger('silent');

function click(): ClickEvent {
  return { id: randomUUID(), linkId: 1, userId: 1, variantId: null, at: Date.now(), ip: '127.0.0.1', userAgent: 'x', referrer: null };
}

describe('ClickBuffer', () => {
  it('sends a full batch at once and a partial one after the flush interval', async () => {
    const sent: ClickBatch[] = [];
    const buffer = new ClickBuffer(async (b) => void sent.push(b), logger, { maxBatch: 3, flushMs: 30, capacity: 100, maxBytes: 1_000_000, retryMs: 10, sendTimeoutMs: 1000 });
    for (let i = 0; i < 4; i++) buffer.push(click());
    await waitFor(() => sent.length === 1, { what: 'full batch' });
    assert.equal(sent[0]?.events.length, 3);
    await waitFor(() => sent.length === 2, { what: 'partial batch after interval' });
    assert.equal(sent[1]?.events.length, 1);
    assert.equal(buffer.pending, 0);
  });

  it('keeps batches in order and retries them with the same id while the sink fails', async () => {
    const sent: ClickBatch[] = [];
    const attempts: string[] = [];
    let failures = 3;
    const buffer = new ClickBuffer(
      async (b) => {
        attempts.push(b.id);
        if (failures-- > 0) throw new Error('redis down');
        sent.push(b);
      },
      logger,
      { maxBatch: 2, flushMs: 5, capacity: 100, maxBytes: 1_000_000, retryMs: 10, sendTimeoutMs: 1000 },
    );
    const events = Array.from({ length: 4 }, click);
    for (const e of events) buffer.push(e);
    await waitFor(() => buffer.pending === 0, { what: 'buffer to drain' });
    assert.deepEqual(sent.flatMap((b) => b.events.map((e) => e.id)), events.map((e) => e.id));
    assert.equal(new Set(attempts.slice(0, 4)).size, 1, 'the failing batch is retried under its own id');
  });

  it('drops and counts clicks past its capacity instead of growing without bound', async () => {
    const buffer = new ClickBuffer(async () => { throw new Error('down'); }, logger, { maxBatch: 10, flushMs: 1000, capacity: 5, maxBytes: 1_000_000, retryMs: 1000, sendTimeoutMs: 50 });
    for (let i = 0; i < 8; i++) buffer.push(click());
    assert.equal(buffer.pending, 5);
    assert.equal(buffer.dropped, 3);
    await buffer.close(10);
  });

  it('drops and counts clicks past its byte budget, whatever their number', async () => {
    const big = (): ClickEvent => ({ ...click(), userAgent: 'u'.repeat(500), referrer: `https://r.example/${'p'.repeat(1000)}` });
    const budget = 3 * clickBytes(big());
    const buffer = new ClickBuffer(async () => { throw new Error('down'); }, logger, { maxBatch: 10, flushMs: 1000, capacity: 1000, maxBytes: budget, retryMs: 1000, sendTimeoutMs: 50 });
    for (let i = 0; i < 5; i++) buffer.push(big());
    assert.equal(buffer.pending, 3);
    assert.equal(buffer.pendingBytes, budget);
    assert.equal(buffer.dropped, 2);
    buffer.push(click()); // a small one no longer fits either: the budget is full
    assert.equal(buffer.dropped, 3);
    await buffer.close(10);
  });

  it('logs drops once per interval with how many, not once per dropped click', async () => {
    const lines: Array<{ dropped: number; droppedTotal: number }> = [];
    const capture = pino({ level: 'info' }, new Writable({ write(chunk: Buffer, _enc, done) { lines.push(JSON.parse(chunk.toString())); done(); } }));
    const buffer = new ClickBuffer(async () => { throw new Error('down'); }, capture, { maxBatch: 10, flushMs: 1000, capacity: 1, maxBytes: 1_000_000, retryMs: 1000, sendTimeoutMs: 50, dropLogMs: 50 });
    for (let i = 0; i < 1001; i++) buffer.push(click());
    await waitFor(() => lines.filter((l) => l.droppedTotal !== undefined).length === 2, { what: 'the interval report' });
    const reports = lines.filter((l) => l.droppedTotal !== undefined);
    assert.deepEqual(reports.map((l) => [l.dropped, l.droppedTotal]), [[1, 1], [999, 1000]]);
    await buffer.close(10);
  });

  it('treats a send that hangs past its timeout as failed and tries again', async () => {
    let calls = 0;
    const buffer = new ClickBuffer(
      (): Promise<void> => (++calls === 1 ? new Promise(() => {}) : Promise.resolve()),
      logger,
      { maxBatch: 1, flushMs: 5, capacity: 10, maxBytes: 1_000_000, retryMs: 5, sendTimeoutMs: 30 },
    );
    buffer.push(click());
    await waitFor(() => buffer.pending === 0, { what: 'retry after hang' });
    assert.equal(calls, 2);
  });

  it('flushes what it holds on close', async () => {
    const sent: ClickBatch[] = [];
    const buffer = new ClickBuffer(async (b) => void sent.push(b), logger, { maxBatch: 100, flushMs: 10_000, capacity: 100, maxBytes: 1_000_000, retryMs: 10, sendTimeoutMs: 1000 });
    buffer.push(click());
    buffer.push(click());
    await buffer.close();
    assert.equal(sent.length, 1);
    assert.equal(sent[0]?.events.length, 2);
  });
});
