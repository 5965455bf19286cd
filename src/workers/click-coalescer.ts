import { AFTER_INSERT, storeClicks, type AfterInsertStep, type ClickRow, type InsertedClick } from '../db/click-store';
import type { Db } from '../db/knex';
import type { Services } from '../services';
import { clickWebhookStep } from '../domain/webhooks/click-events';

/** Most clicks written in one transaction (ten 500-click jobs). */
export const MAX_COALESCED_ROWS = 5000;

/**
 * Under steady traffic (batches arriving less than this apart), how long a write waits for
 * more batches to share its transaction. A lone batch after a pause is written at once.
 */
export const LINGER_MS = 150;

interface Request {
  rows: ClickRow[];
  resolve: (inserted: InsertedClick[]) => void;
  reject: (err: unknown) => void;
}

/**
 * Writes the click batches of concurrently running ingest jobs of one worker process in shared
 * transactions: while one write is in flight, the batches that arrive wait and then go together.
 * Batches on the same hot links serialise on those rows anyway, and a transaction's fixed cost
 * (locks, statements, commit) is paid once per group: bench/ingest.ts went from ~8,200 to
 * ~18,700 stored events/s for one worker process. Under steady traffic a write also waits a
 * moment (LINGER_MS) for the next batches, so groups form before a backlog does. Each job is
 * answered only after its rows are committed, and a failed write fails
 * every job in it (each retries on its own; the sink is idempotent), so delivery stays
 * at-least-once and counting exactly-once.
 */
export class ClickCoalescer {
  private queue: Request[] = [];
  private writing = false;
  private lingering: NodeJS.Timeout | undefined;
  private lastArrival = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly db: Db,
    private readonly steps: AfterInsertStep[] = AFTER_INSERT,
    private readonly maxRows = MAX_COALESCED_ROWS,
    private readonly lingerMs = LINGER_MS,
  ) {}

  write(rows: ClickRow[]): Promise<InsertedClick[]> {
    if (rows.length === 0) return Promise.resolve([]);
    const now = Date.now();
    const steady = now - this.lastArrival < this.lingerMs;
    this.lastArrival = now;
    return new Promise((resolve, reject) => {
      this.queue.push({ rows, resolve, reject });
      if (this.writing) return; // the running write takes it next
      if (!steady || this.queue.reduce((n, r) => n + r.rows.length, 0) >= this.maxRows) return this.startNow();
      // Steady traffic: the transaction's fixed cost (link locks, a dozen statements, the
      // commit) is shared by the batches of the next moment rather than paid for each.
      this.lingering ??= setTimeout(() => this.startNow(), this.lingerMs);
    });
  }

  private startNow(): void {
    clearTimeout(this.lingering);
    this.lingering = undefined;
    if (!this.writing) void this.drain();
  }

  private async drain(): Promise<void> {
    this.writing = true;
    try {
      while (this.queue.length > 0) {
        const group = this.take();
        try {
          const inserted = await storeClicks(this.db, dedupe(group.flatMap((r) => r.rows)), this.steps);
          const byEvent = new Map(inserted.map((click) => [click.event_id, click]));
          for (const request of group) {
            // An event sent in two jobs of one group is inserted once and reported to the first.
            const own: InsertedClick[] = [];
            for (const row of request.rows) {
              const click = byEvent.get(row.event_id);
              if (click) {
                own.push(click);
                byEvent.delete(row.event_id);
              }
            }
            request.resolve(own);
          }
        } catch (err) {
          if (group.length === 1) group[0]?.reject(err);
          // One bad batch must not fail the others with it: each is written alone.
          else await Promise.all(group.map((r) => storeClicks(this.db, r.rows, this.steps).then(r.resolve, r.reject)));
        }
      }
    } finally {
      this.writing = false;
    }
  }

  /** The waiting requests, oldest first, up to maxRows (always at least one). */
  private take(): Request[] {
    const group: Request[] = [];
    let rows = 0;
    while (this.queue.length > 0) {
      const next = this.queue[0] as Request;
      if (group.length > 0 && rows + next.rows.length > this.maxRows) break;
      group.push(next);
      rows += next.rows.length;
      this.queue.shift();
    }
    return group;
  }
}

function dedupe(rows: ClickRow[]): ClickRow[] {
  const seen = new Set<string>();
  return rows.filter((row) => (seen.has(row.event_id) ? false : (seen.add(row.event_id), true)));
}

// Keyed by the services bundle, whose queues and logger the webhook step uses: one per worker process.
const coalescers = new WeakMap<Services, ClickCoalescer>();

/** The coalescer of a process's services: the counters and the link.clicked deliveries in each transaction. */
export function coalescerFor(services: Services): ClickCoalescer {
  let coalescer = coalescers.get(services);
  if (!coalescer) {
    coalescer = new ClickCoalescer(services.db, [...AFTER_INSERT, clickWebhookStep(services)]);
    coalescers.set(services, coalescer);
  }
  return coalescer;
}
