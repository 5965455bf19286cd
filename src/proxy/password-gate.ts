import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { verifyPassword } from '../secrets';
import { clientIp } from './client-ip';
import { FormBodyError, readFormBody } from './form-body';
import type { CachedLink } from './link-cache';
import { sendPasswordForm, sendUnavailable } from './pages';
import type { PasswordAttempts } from './password-attempts';
import { hasPasswordCookie, passwordCookieHeader, signPasswordCookie, type ProtectedLink } from './password-cookie';

/** Generous for one password field (at most 128 characters, percent-encoded). */
const FORM_LIMIT_BYTES = 4096;

export interface PasswordGateDeps {
  config: Pick<Config, 'appSecret' | 'publicBaseUrl'>;
  attempts: PasswordAttempts;
  trustedHops: number;
  logger: Logger;
  /** Records the click and answers 302 to the link's destination. */
  redirect(req: IncomingMessage, res: ServerResponse, link: CachedLink, now: number, headers?: Record<string, string>): void;
}

export interface PasswordGate {
  /** GET/HEAD: through with a valid cookie, otherwise the form. */
  show(req: IncomingMessage, res: ServerResponse, code: string, link: CachedLink, now: number): void;
  /** POST: the form's answer. */
  submit(req: IncomingMessage, res: ServerResponse, code: string, link: CachedLink): void;
}

function protectedLink(code: string, link: CachedLink): ProtectedLink {
  return { code, id: link.id, passwordHash: link.passwordHash ?? '' };
}

/**
 * The password step of a protected link: form, brute-force brake, scrypt check, then a signed
 * cookie so the visitor passes straight through for a while. Order matters: the attempt is
 * counted (429) before any hashing, and when the counter is unreachable we refuse (503) rather
 * than let guesses through unthrottled; visitors holding a cookie are unaffected.
 */
export function createPasswordGate(deps: PasswordGateDeps): PasswordGate {
  async function submit(req: IncomingMessage, res: ServerResponse, code: string, link: CachedLink): Promise<void> {
    let password: string;
    try {
      password = (await readFormBody(req, FORM_LIMIT_BYTES)).get('password') ?? '';
    } catch (err) {
      const status = err instanceof FormBodyError ? err.status : 400;
      sendPasswordForm(res, status, (err as Error).message, status === 413 ? { Connection: 'close' } : {});
      return;
    }
    if (password === '') {
      sendPasswordForm(res, 400, 'Please enter the password.');
      return;
    }

    try {
      const decision = await deps.attempts.consume(link.id, clientIp(req, deps.trustedHops));
      if (!decision.allowed) {
        sendPasswordForm(res, 429, 'Too many attempts. Please wait a few minutes and try again.', { 'Retry-After': String(decision.retryAfterSeconds) });
        return;
      }
    } catch (err) {
      deps.logger.error({ category: 'redirect', err: (err as Error).message }, 'password attempt limiter unavailable; refusing password checks');
      sendUnavailable(res, 'Password checks are temporarily unavailable. Please try again in a moment.');
      return;
    }

    const ok = await verifyPassword(password, link.passwordHash ?? '').catch((err: unknown) => {
      deps.logger.error({ category: 'redirect', linkId: link.id, err: (err as Error).message }, 'stored link password hash is unreadable');
      return false;
    });
    if (!ok) {
      sendPasswordForm(res, 401, 'Incorrect password. Please try again.');
      return;
    }
    const now = Date.now();
    const cookie = signPasswordCookie(deps.config.appSecret, protectedLink(code, link), now);
    deps.redirect(req, res, link, now, { 'Set-Cookie': passwordCookieHeader(cookie, deps.config.publicBaseUrl, code) });
  }

  return {
    show(req, res, code, link, now) {
      if (hasPasswordCookie(deps.config.appSecret, protectedLink(code, link), req.headers.cookie, now)) {
        deps.redirect(req, res, link, now);
        return;
      }
      sendPasswordForm(res, 200);
    },
    submit(req, res, code, link) {
      submit(req, res, code, link).catch((err: unknown) => {
        deps.logger.error({ category: 'redirect', err: (err as Error).message }, 'password check failed');
        if (!res.headersSent) sendUnavailable(res);
      });
    },
  };
}
