/**
 * What the edge's failure guard costs one redirect, in CPU: the same fixed-302 handler called
 * directly (the ceiling) and through createEdge (dispatch, try/catch, and the request's
 * AsyncLocalStorage context that the process-level safety net reads), with a stub response so
 * nothing but that difference is timed. Rounds alternate so both see the same machine; medians.
 * (Requests per second over HTTP are in `npm run bench -- redirect`; on a shared machine they
 * move by more than this difference.)
 *
 *   npm run bench -- edge-guard        (CALLS=200000 ROUNDS=7 by default)
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createLogger } from '../src/logger';
import { createEdge } from '../src/proxy/edge';

const CALLS = Number(process.env.CALLS ?? 200_000);
const ROUNDS = Number(process.env.ROUNDS ?? 7);

function answer(_req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(302, { Location: 'https://example.com/landing', 'Cache-Control': 'private, max-age=0', 'Content-Length': '0' });
  res.end();
}

const req = { method: 'GET', url: '/bench', headers: {} } as IncomingMessage;
const res = { writeHead: () => res, end: () => res, headersSent: false, writableEnded: false } as unknown as ServerResponse;

function nsPerCall(handler: (req: IncomingMessage, res: ServerResponse) => void): number {
  const started = process.hrtime.bigint();
  for (let i = 0; i < CALLS; i++) handler(req, res);
  return Number(process.hrtime.bigint() - started) / CALLS;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

function main(): void {
  const edge = createEdge({ api: answer, redirect: answer }, createLogger('error', 'bench'));
  const storage = new AsyncLocalStorage<object>();
  const contextOnly = (rq: IncomingMessage, rs: ServerResponse) => storage.run({ rq, rs }, () => answer(rq, rs));
  nsPerCall(answer);
  nsPerCall(contextOnly);
  nsPerCall(edge); // warm-up: JIT and the async context's first use
  const bare: number[] = [];
  const context: number[] = [];
  const guarded: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    bare.push(nsPerCall(answer));
    context.push(nsPerCall(contextOnly));
    guarded.push(nsPerCall(edge));
  }
  console.log(`handler call with a stub response, ${ROUNDS} rounds × ${CALLS} calls, alternating`);
  console.log(`bare   median ${median(bare).toFixed(0).padStart(5)} ns/call  (${bare.map((n) => n.toFixed(0)).join(' ')})`);
  console.log(`als    median ${median(context).toFixed(0).padStart(5)} ns/call  (${context.map((n) => n.toFixed(0)).join(' ')})  AsyncLocalStorage.run alone`);
  console.log(`edge   median ${median(guarded).toFixed(0).padStart(5)} ns/call  (${guarded.map((n) => n.toFixed(0)).join(' ')})`);
  console.log(`edge   +${(median(guarded) - median(bare)).toFixed(0)} ns per request for the whole front door (dispatch regex, guard, context), of which the context +${(median(context) - median(bare)).toFixed(0)} ns`);
}

main();
