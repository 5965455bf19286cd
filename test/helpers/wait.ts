import type { Services } from '../../src/services';
import { QUEUE_NAMES } from '../../src/queues/registry';
import type { Stack } from './stack';

/** Polls `check` until it returns a truthy value or the deadline passes. */
export async function waitFor<T>(check: () => Promise<T | undefined | null | false> | T | undefined | null | false, { timeoutMs = 10_000, intervalMs = 20, what = 'condition' } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * Waits until no queue has a job waiting, delayed, active or prioritised. Metadata refreshes are
 * left out: not part of the event pipeline, and not run by `workers: true` stacks (stack.ts).
 */
export async function drainQueues(services: Services, timeoutMs = 15_000): Promise<void> {
  await waitFor(
    async () => {
      for (const name of QUEUE_NAMES.filter((q) => q !== 'metadata')) {
        const counts = await services.queues.queue(name).getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children');
        if (Object.values(counts).some((n) => n > 0)) return false;
      }
      return true;
    },
    { timeoutMs, what: 'queues to drain' },
  );
}

/** Every click the stack has answered so far is stored: out of the edge's buffer and through the queue. */
export async function settleClicks(stack: Stack): Promise<void> {
  await waitFor(() => stack.web.clicks.pending === 0, { what: 'click buffer empty' });
  await drainQueues(stack.services);
}

/**
 * Until some session of this test database waits on a row lock: the request under test has
 * reached the write that a transaction the test holds is blocking (for races made on purpose).
 */
export async function waitForLockWaiter(db: Services['db']): Promise<void> {
  await waitFor(async () => {
    const { rows } = await db.raw("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");
    return rows.length > 0;
  }, { what: 'a request waiting on a row lock' });
}
