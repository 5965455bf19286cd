import { AsyncLocalStorage } from 'node:async_hooks';
import { timeOrderedId } from './event-ids';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** A public-edge request, for the process-level safety net to answer (proxy/edge-safety-net.ts). */
export interface EdgeRequest {
  route: string;
  req: IncomingMessage;
  res: ServerResponse;
}

interface RequestContext {
  requestId: string;
  edge?: EdgeRequest;
}

/**
 * The request of whatever is running now: set by the edge for a request (and everything it
 * awaits or schedules) and by the worker for a job that request enqueued. The logger reads its
 * id into every line, so nothing has to pass it along by hand. One store for the id and the edge
 * request: each context a request enters costs it CPU on the redirect's hot path.
 */
const current = new AsyncLocalStorage<RequestContext>();

/** Letters, digits and . _ : - up to 128: what proxies and tracers send; anything else is replaced. */
const WELL_FORMED = /^[A-Za-z0-9._:-]{1,128}$/;

export const REQUEST_ID_HEADER = 'x-request-id';

/**
 * The caller's id when it is well-formed, a fresh UUID otherwise: a time-ordered one
 * (event-ids.ts), which is built in one reused buffer, where Node 20's randomUUID joins sixteen
 * pieces of string for every request.
 */
export function acceptRequestId(offered: string | string[] | undefined): string {
  return typeof offered === 'string' && WELL_FORMED.test(offered) ? offered : timeOrderedId();
}

export function withRequestId<T>(requestId: string, fn: () => T): T {
  return current.run({ requestId }, fn);
}

/** Runs one public-edge dispatch with its request as the async context (proxy/edge.ts). */
export function withEdgeRequest<T>(requestId: string, edge: EdgeRequest, fn: () => T): T {
  return current.run({ requestId, edge }, fn);
}

/** The public-edge request running now, if any: Node carries it into every callback the request starts. */
export function currentEdgeRequest(): EdgeRequest | undefined {
  return current.getStore()?.edge;
}

export function currentRequestId(): string | undefined {
  return current.getStore()?.requestId;
}

/** For work that serves many requests at once (a batch of clicks): it belongs to none of them. */
export function outsideRequest<T>(fn: () => T): T {
  return current.exit(fn);
}
