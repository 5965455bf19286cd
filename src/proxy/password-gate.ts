import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { verifyPassword } from '../lib/secrets';
import { clientIp } from '../lib/client-ip';
import { FormBodyError, readFormBody } from './form-body';
import type { CachedLink } from './link-cache';
import { sendPasswordForm, sendUnavailable } from './pages';
import type { AttemptDecision, PasswordAttempts } from './password-attempts';
import { hasPasswordCookie, passwordCookieHeader, signPasswordCookie, type ProtectedLink } from './password-cookie';

/** Generous for a password (at most 128 characters) and the carried referrer, percent-encoded. */
const FORM_LIMIT_BYTES = 8192;
const REFERRER_MAX = 2048;

function referrerOf(value: string | null | undefined): string | null {
  return value && value.length <= REFERRER_MAX ? value : null;
}

export interface PasswordGateDeps {
  config: Pick<Config, 'appSecret' | 'publicBaseUrl'>;
  attempts: PasswordAttempts;
  trustedHops: number;
  logger: Logger;
  /** Records the click (with this referrer) and answers 302 to the link's destination. */
  redirect(req: IncomingMessage, res: ServerResponse, link: CachedLink, now: number, referrer: string | null, headers?: Record<string, string>): void | Promise<void>;
}

export interface PasswordGate {
  /** GET/HEAD: through with a valid cookie, otherwise the form. */
  show(req: IncomingMessage, res: ServerResponse, code: string, link: CachedLink, now: number): void | Promise<void>;
  /** POST: the form's answer; what fails in it rejects the promise, which the edge answers (edge.ts). */
  submit(req: IncomingMessage, res: ServerResponse, code: string, link: CachedLink): Promise<void>;
}

function protectedLink(code: string, link: CachedLink): ProtectedLink {
  return { code, id: link.id, passwordHash: link.passwordHash ?? '' };
}

/**
 * The password step of a protected link: form, brute-force brake (password-attempts.ts: budgets
 * per address block, and a growing delay on a link under attack), scrypt check, then a signed
 * cookie so the visitor passes straight through for a while. Order matters: the attempt is
 * counted (429) before any hashing, and when the counter is unreachable we refuse (503) rather
 * than let guesses through unthrottled; visitors holding a cookie are unaffected.
 */
export function createPasswordGate(deps: PasswordGateDeps): PasswordGate {
  async function submit(req: IncomingMessage, res: ServerResponse, code: string, link: CachedLink): Promise<void> {
    let password: string;
    let referrer: string | null;
    try {
      const form = await readFormBody(req, FORM_LIMIT_BYTES);
      password = form.get('password') ?? '';
      referrer = referrerOf(form.get('ref'));
    } catch (err) {
      const status = err instanceof FormBodyError ? err.status : 400;
      sendPasswordForm(res, status, (err as Error).message, status === 413 ? { Connection: 'close' } : {});
      return;
    }
    const again = (status: number, message: string, headers: Record<string, string> = {}) => sendPasswordForm(res, status, message, headers, referrer);
    if (password === '') {
      again(400, 'Please enter the password.');
      return;
    }

    let decision: AttemptDecision;
    try {
      decision = await deps.attempts.consume(link.id, clientIp(req, deps.trustedHops));
    } catch (err) {
      deps.logger.error({ category: 'redirect', err: (err as Error).message }, 'password attempt limiter unavailable; refusing password checks');
      sendUnavailable(res, 'Password checks are temporarily unavailable. Please try again in a moment.');
      return;
    }
    if (!decision.allowed) {
      again(429, 'Too many attempts. Please wait a few minutes and try again.', { 'Retry-After': String(decision.retryAfterSeconds) });
      return;
    }
    // A link under attack answers everyone later, before the check, so the delay says nothing about the password.
    if (decision.delayMs > 0) await delay(decision.delayMs);

    const ok = await verifyPassword(password, link.passwordHash ?? '').catch((err: unknown) => {
      deps.logger.error({ category: 'redirect', linkId: link.id, err: (err as Error).message }, 'stored link password hash is unreadable');
      return false;
    });
    if (!ok) {
      await deps.attempts.failed(link.id).catch((err: unknown) => {
        deps.logger.warn({ category: 'redirect', linkId: link.id, err: (err as Error).message }, 'could not count a wrong link password');
      });
      again(401, 'Incorrect password. Please try again.');
      return;
    }
    const now = Date.now();
    const cookie = signPasswordCookie(deps.config.appSecret, protectedLink(code, link), now);
    await deps.redirect(req, res, link, now, referrer, { 'Set-Cookie': passwordCookieHeader(cookie, deps.config.publicBaseUrl, code) });
  }

  return {
    show(req, res, code, link, now) {
      const referrer = referrerOf(req.headers.referer);
      if (hasPasswordCookie(deps.config.appSecret, protectedLink(code, link), req.headers.cookie, now)) {
        return deps.redirect(req, res, link, now, referrer);
      }
      sendPasswordForm(res, 200, undefined, {}, referrer);
    },
    submit,
  };
}
