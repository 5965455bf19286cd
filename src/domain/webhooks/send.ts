import http from 'node:http';
import https from 'node:https';
import { guardedLookup, literalHostProblem, SsrfError } from './ssrf';

/**
 * One HTTP attempt at a receiver. Never follows redirects (node:http does not, and a 3xx is
 * reported as a failure), gives up after `timeoutMs` for the whole exchange, connects only to
 * addresses the SSRF guard allows, and never throws: the outcome is data to record.
 */
export interface AttemptOutcome {
  ok: boolean;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
}

export interface SendOptions {
  timeoutMs: number;
  allowPrivate: boolean;
}

// Keep-alive pools: a busy receiver reuses its connections. A pooled socket was checked when it connected.
const AGENTS = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 16 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 16 }),
};

export function sendWebhook(target: string, headers: Record<string, string>, body: string, options: SendOptions): Promise<AttemptOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const fail = (error: string, statusCode: number | null = null): AttemptOutcome => ({ ok: false, statusCode, durationMs: elapsed(), error });

  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return Promise.resolve(fail('Webhook url is not a valid URL'));
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return Promise.resolve(fail('Webhook url must be http or https'));
  const literal = literalHostProblem(url, options.allowPrivate);
  if (literal) return Promise.resolve(fail(literal));

  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: AttemptOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const client = url.protocol === 'https:' ? https : http;
    const req = client.request(url, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      agent: url.protocol === 'https:' ? AGENTS['https:'] : AGENTS['http:'],
      lookup: guardedLookup(options.allowPrivate),
    });
    const timer = setTimeout(() => {
      finish(fail(`Timed out after ${options.timeoutMs} ms`));
      req.destroy();
    }, options.timeoutMs);

    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      // The body is not needed; drain it so the connection can be reused, then report.
      res.resume();
      res.on('end', () => {
        if (status >= 200 && status < 300) finish({ ok: true, statusCode: status, durationMs: elapsed(), error: null });
        else if (status >= 300 && status < 400) finish(fail(`Redirect (HTTP ${status}) not followed`, status));
        else finish(fail(`HTTP ${status}`, status));
      });
      res.on('error', (err) => finish(fail(`Response failed: ${err.message}`, status)));
    });
    req.on('error', (err: NodeJS.ErrnoException) => finish(fail(!(err instanceof SsrfError) && err.code && !err.message.includes(err.code) ? `${err.code}: ${err.message}` : err.message)));
    req.end(body);
  });
}
