import http from 'node:http';
import { guardedLookup, SsrfError } from '../webhooks/ssrf';
import { constantTimeEqual } from '../../lib/secrets';
import { VERIFICATION_PATH_PREFIX, verificationAnswer } from '../../lib/domain-verification';

export interface VerificationCheckOptions {
  appSecret: string;
  timeoutMs: number;
  /** hostname → 'ip:port' to connect to instead of DNS (DOMAIN_VERIFY_RESOLVE). */
  resolve: ReadonlyMap<string, string>;
  /** Without a resolve entry, a name resolving to a private address is refused unless this is set (the webhooks' guard). */
  allowPrivate: boolean;
}

const MAX_BODY_BYTES = 1024;

/**
 * One GET of http://<hostname>/.well-known/linktally/<token>: null when this deployment
 * answered it (the keyed hash), else why not. Plain HTTP on purpose: the certificate may not
 * exist before the domain is verified (on-demand TLS asks us first). No redirects followed, a
 * time limit on the whole exchange, a bounded body; never throws.
 */
export function checkDomainVerification(hostname: string, token: string, options: VerificationCheckOptions): Promise<string | null> {
  const mapped = options.resolve.get(hostname);
  const at = mapped?.lastIndexOf(':') ?? -1;
  const target = mapped ? { host: mapped.slice(0, at).replace(/^\[|\]$/g, ''), port: Number(mapped.slice(at + 1)) } : { host: hostname, port: 80 };
  const expected = verificationAnswer(options.appSecret, token);

  return new Promise((resolve) => {
    let settled = false;
    const finish = (problem: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(problem);
    };
    const req = http.request({
      host: target.host,
      port: target.port,
      path: `${VERIFICATION_PATH_PREFIX}${token}`,
      method: 'GET',
      headers: { host: hostname, accept: 'text/plain' },
      agent: false,
      ...(mapped ? {} : { lookup: guardedLookup(options.allowPrivate) }),
    });
    const timer = setTimeout(() => finish(`Timed out after ${options.timeoutMs} ms`), options.timeoutMs);
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      if (status !== 200) return finish(status >= 300 && status < 400 ? `Redirect (HTTP ${status}) not followed` : `HTTP ${status}`);
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
        if (body.length > MAX_BODY_BYTES) finish('The answer is not this deployment\'s');
      });
      res.on('end', () => finish(constantTimeEqual(body.trim(), expected) ? null : 'The answer is not this deployment\'s'));
      res.on('error', (err) => finish(`Response failed: ${err.message}`));
    });
    req.on('error', (err: NodeJS.ErrnoException) => finish(err instanceof SsrfError ? err.message : `${err.code ?? 'Error'}: ${err.message}`));
    req.end();
  });
}
