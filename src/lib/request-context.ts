import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/**
 * The request id of whatever is running now: set by the edge for a request (and everything it
 * awaits or schedules) and by the worker for a job that request enqueued. The logger reads it
 * into every line, so nothing has to pass it along by hand.
 */
const current = new AsyncLocalStorage<{ requestId: string }>();

/** Letters, digits and . _ : - up to 128: what proxies and tracers send; anything else is replaced. */
const WELL_FORMED = /^[A-Za-z0-9._:-]{1,128}$/;

export const REQUEST_ID_HEADER = 'x-request-id';

/** The caller's id when it is well-formed, a fresh UUID otherwise. */
export function acceptRequestId(offered: string | string[] | undefined): string {
  return typeof offered === 'string' && WELL_FORMED.test(offered) ? offered : randomUUID();
}

export function withRequestId<T>(requestId: string, fn: () => T): T {
  return current.run({ requestId }, fn);
}

export function currentRequestId(): string | undefined {
  return current.getStore()?.requestId;
}

/** For work that serves many requests at once (a batch of clicks): it belongs to none of them. */
export function outsideRequest<T>(fn: () => T): T {
  return current.exit(fn);
}
