/** The part of the process logger (pino) an OutageLog writes to. */
export interface OutageLogger {
  error(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
}

/** How often a failure that goes on is summarised. */
export const OUTAGE_SUMMARY_EVERY_MS = 60_000;

/**
 * Logs a dependency that keeps failing (PostgreSQL away while every request tries it) once
 * when it starts, a one-line summary every minute while it lasts, and once when it ends —
 * instead of a line, or a stack, per failed call. Messages only: the first line of the error.
 * No timer: summaries are written by the failures themselves, so nothing keeps a process alive.
 */
export class OutageLog {
  private since: number | null = null;
  private failures = 0;
  private sinceSummary = 0;
  private lastSummaryAt = 0;

  constructor(
    private readonly logger: OutageLogger,
    private readonly what: string,
    private readonly fields: Record<string, unknown> = {},
    private readonly now: () => number = Date.now,
  ) {}

  get failing(): boolean {
    return this.since !== null;
  }

  failed(err: unknown): void {
    const now = this.now();
    const message = firstLine(err);
    this.failures++;
    this.sinceSummary++;
    if (this.since === null) {
      this.since = now;
      this.lastSummaryAt = now;
      this.sinceSummary = 0;
      this.logger.error({ ...this.fields, err: message }, `${this.what} failing; logged again once a minute while it lasts`);
      return;
    }
    if (now - this.lastSummaryAt >= OUTAGE_SUMMARY_EVERY_MS) {
      this.logger.warn({ ...this.fields, err: message, failures: this.sinceSummary, failingForMs: now - this.since }, `${this.what} still failing`);
      this.lastSummaryAt = now;
      this.sinceSummary = 0;
    }
  }

  succeeded(): void {
    if (this.since === null) return;
    this.logger.info({ ...this.fields, failures: this.failures, failedForMs: this.now() - this.since }, `${this.what} working again`);
    this.since = null;
    this.failures = 0;
    this.sinceSummary = 0;
  }
}

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n', 1)[0]?.slice(0, 300) ?? '';
}

const shared = new WeakMap<OutageLogger, Map<string, OutageLog>>();

/**
 * The one OutageLog of `what` for this logger (so, per process), for functions that are handed
 * the process context on each call and have no object of their own to keep one in.
 */
export function sharedOutageLog(logger: OutageLogger, what: string, fields: Record<string, unknown> = {}): OutageLog {
  let byWhat = shared.get(logger);
  if (!byWhat) shared.set(logger, (byWhat = new Map()));
  let log = byWhat.get(what);
  if (!log) byWhat.set(what, (log = new OutageLog(logger, what, fields)));
  return log;
}
