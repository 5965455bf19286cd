import http, { type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import https from 'node:https';
import { pipeline } from 'node:stream';
import { sendText } from './plain-text';

export interface ForwardOptions {
  /** Longest wait for the upstream's response headers before answering 504. */
  headersTimeoutMs: number;
  /** Longest silence on the upstream connection, once streaming, before both sides are cut. */
  idleTimeoutMs: number;
}

export interface ForwardHooks {
  /** Called once, with the upstream's status and headers, before its headers are relayed. */
  onResponse?(status: number, headers: IncomingHttpHeaders): void;
  /** Sees the answer's body chunks as they are relayed, until it returns true. */
  onAnswerData?(chunk: Buffer): boolean;
  /** Called once when the exchange fails before anything reached the client (answered 502/504). */
  onFailure?(status: 502 | 504, reason: string): void;
}

// Keep-alive spares a TLS handshake per request of one clone (ref discovery, then upload-pack).
const agents = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) };

// Hop-by-hop headers (RFC 9110 §7.6.1) belong to one connection; cookies are the upstream's business.
const DROPPED_RESPONSE_HEADERS = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'proxy-authenticate', 'set-cookie']);

export function relayableHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !DROPPED_RESPONSE_HEADERS.has(name)) out[name] = value;
  }
  return out;
}


/**
 * Streams one request to `target` and the answer back, both directions through pipes, so
 * backpressure holds and a pack is never held in memory. Upstream failures before the answer
 * starts reach the client as 502 (unreachable, reset) or 504 (no answer in time); after it
 * starts, the client's connection is cut so git sees a truncated transfer, never a hang. A client
 * that goes away aborts the upstream request.
 */
export function forward(req: IncomingMessage, res: ServerResponse, target: URL, headers: OutgoingHttpHeaders, options: ForwardOptions, hooks: ForwardHooks = {}): void {
  const client = target.protocol === 'https:' ? https : http;
  const upstream = client.request(target, { method: req.method, headers, agent: agents[target.protocol === 'https:' ? 'https:' : 'http:'] });
  let settled = false;

  const fail = (status: 502 | 504, reason: string, message: string) => {
    if (settled) return;
    settled = true;
    clearTimeout(headersTimer);
    req.unpipe(upstream);
    upstream.destroy();
    hooks.onFailure?.(status, reason);
    if (res.headersSent) res.destroy();
    else sendText(res, status, message, { Connection: 'close' });
  };

  const headersTimer = setTimeout(() => fail(504, 'timeout', 'The upstream repository did not answer in time; try again later.\n'), options.headersTimeoutMs);
  upstream.setTimeout(options.idleTimeoutMs, () => {
    if (!settled) fail(504, 'idle', 'The upstream repository stopped answering; try again later.\n');
    else upstream.destroy(new Error('upstream idle'));
  });

  upstream.on('response', (answer) => {
    if (settled) {
      answer.destroy();
      return;
    }
    settled = true;
    clearTimeout(headersTimer);
    const status = answer.statusCode ?? 502;
    hooks.onResponse?.(status, answer.headers);
    // An event callback: a throw here would escape every request guard, so it is caught here.
    try {
      res.writeHead(status, relayableHeaders(answer.headers));
    } catch {
      answer.destroy();
      upstream.destroy();
      hooks.onFailure?.(502, 'unrelayable headers');
      if (res.headersSent) res.destroy();
      else sendText(res, 502, 'The upstream repository sent an answer that cannot be relayed.\n');
      return;
    }
    const peek = hooks.onAnswerData;
    if (peek) {
      const listener = (chunk: Buffer) => {
        if (peek(chunk)) answer.off('data', listener);
      };
      answer.on('data', listener);
    }
    // pipeline destroys both on error or early close: a client gone mid-pack releases the upstream.
    pipeline(answer, res, (err) => {
      if (err) upstream.destroy();
    });
  });
  upstream.on('error', (err: NodeJS.ErrnoException) => {
    if (!settled) fail(502, err.code ?? 'error', 'The upstream repository could not be reached; try again later.\n');
    else if (!res.writableFinished) res.destroy();
  });

  res.on('close', () => {
    if (!res.writableFinished) {
      clearTimeout(headersTimer);
      settled = true;
      upstream.destroy();
    }
  });
  // pipe, not pipeline: an upstream failure must not destroy the client's socket before the 502 is sent.
  req.pipe(upstream);
}
