import type { Worker } from 'bullmq';
import type { Logger } from '../logger';
import type { QueueName } from '../queues/registry';
import { isWebLoadMessage, WEB_LOAD_INTERVAL_MS } from '../lib/web-load';

/** The queues whose jobs cost CPU per click or install (enrichment, COPY): the ones held back. */
const YIELDING_QUEUES: readonly QueueName[] = ['clicks', 'installs'];

export interface YieldLimits {
  /** A web load (event-loop utilisation, 0–1) at or above this starts a hold. */
  busyAbove: number;
  /** Below this a hold ends; between the two, a hold goes on and none starts. */
  freeBelow: number;
  /** The longest one hold lasts; then ingest runs beside the busy web until it is free again. */
  maxMs: number;
}

/**
 * A web process saturated by the redirect bench reached the upper bound in every run; the band
 * between keeps a burst's dips from ending its hold.
 */
const DEFAULT_YIELD_LIMITS: Omit<YieldLimits, 'maxMs'> = { busyAbove: 0.8, freeBelow: 0.5 };

/**
 * Whether ingest holds back, from the web's load readings. A burst is absorbed: its clicks wait
 * in the queue and are counted once the web is free. Sustained load is not: after `maxMs` ingest
 * runs as before (at the worker's lower priority), so the count never falls further behind.
 */
export class YieldPolicy {
  private heldSince: number | null = null;
  /** A hold ran its full length: no new one until the web has been free. */
  private spent = false;

  constructor(private readonly limits: YieldLimits) {}

  /** A reading at `now` (ms): true while ingest should hold back. */
  reading(load: number, now: number): boolean {
    if (load < this.limits.freeBelow) {
      this.heldSince = null;
      this.spent = false;
      return false;
    }
    if (this.heldSince === null) {
      if (this.spent || load < this.limits.busyAbove) return false;
      this.heldSince = now;
    }
    if (now - this.heldSince >= this.limits.maxMs) {
      this.heldSince = null;
      this.spent = true;
      return false;
    }
    return true;
  }

  /** No readings any more (the web or the supervisor is gone): ingest runs. */
  silence(): false {
    this.heldSince = null;
    return false;
  }
}

/** Readings stop when the web process dies or is restarting: after this long, a hold ends. */
const SILENCE_MS = 8 * WEB_LOAD_INTERVAL_MS;

/**
 * Under `npm start` the worker shares the machine with the web process, and each click costs
 * CPU twice: once to answer, once to enrich and store. While the web is saturated, storing
 * clicks beside it slows every redirect (BENCHMARKS.md, "npm start"), so the ingest queues pause
 * and their jobs wait in Redis, none lost. Only a worker whose parent passes the web's readings
 * on (bin/start.ts) hears any; a worker dyno never holds back. maxMs 0 turns it off.
 */
export function yieldToWeb(workers: readonly Worker[], maxMs: number, logger: Logger): void {
  if (!process.send || maxMs === 0) return;
  const held = workers.filter((w) => YIELDING_QUEUES.includes(w.name as QueueName));
  const policy = new YieldPolicy({ ...DEFAULT_YIELD_LIMITS, maxMs });
  let holding = false;
  let holdStarted = 0;
  let lastReading = 0;
  // A pause waits for the active jobs and drops the blocking fetch (else the next job to arrive
  // would still be taken); a resume must not overtake it, so each change waits for the last.
  let changing: Promise<unknown> = Promise.resolve();

  const apply = (hold: boolean, why: string): void => {
    if (hold === holding) return;
    holding = hold;
    const queues = held.map((w) => w.name);
    if (hold) holdStarted = Date.now();
    else logger.info({ category: 'worker', queues, heldMs: Date.now() - holdStarted, why }, 'ingest resumed');
    changing = changing
      .then(() => Promise.all(held.map((w) => (hold ? w.pause() : w.resume()))))
      .then(() => {
        if (hold && holding) logger.info({ category: 'worker', queues }, 'the web process is busy: ingest waits in the queue until it is free');
      })
      .catch((err: unknown) => logger.warn({ category: 'worker', queues, err: (err as Error).message }, hold ? 'could not pause ingest' : 'could not resume ingest'));
  };

  process.on('message', (message) => {
    if (!isWebLoadMessage(message)) return;
    lastReading = Date.now();
    const why = message.webLoad < DEFAULT_YIELD_LIMITS.freeBelow ? 'the web process is free' : 'the hold reached WORKER_YIELD_MS';
    apply(policy.reading(message.webLoad, lastReading), why);
  });
  setInterval(() => {
    if (holding && Date.now() - lastReading > SILENCE_MS) apply(policy.silence(), 'no word from the web process');
  }, WEB_LOAD_INTERVAL_MS).unref();
}
