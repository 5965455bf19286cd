import type { Request, Response } from 'express';
import { checkCredentials, setPassword, signUp } from '../domain/accounts';
import { createSession, deleteSessionByToken } from '../db/session-store';
import { countUsers, type User } from '../db/user-store';
import { clientIp } from '../lib/client-ip';
import type { Services } from '../services';
import { DEFAULT_SIGN_IN_LIMITS, SignInThrottle, type SignInLimits } from '../domain/sign-in-throttle';
import { authenticate } from './auth';
import { ApiError } from './errors';
import { successOnly } from './envelopes.schema';
import type { ApiRouter } from './route';
import { authOptions, passwordBody, presentUser, sessionAnswer, signinBody, signupBody } from './sessions.schema';
import { clearSessionCookie, csrfTokenFor, readSessionCookie, setSessionCookie } from './session-cookie';


async function throttle(services: Services, limits: SignInLimits, req: Request, res: Response, email?: string): Promise<SignInThrottle> {
  const throttler = new SignInThrottle(services.redis, services.config, limits);
  let decision;
  try {
    decision = await throttler.consume(clientIp(req, services.config.trustProxyHops), email);
  } catch (err) {
    // Fail closed: no unthrottled password guessing while the counter is blind.
    services.logger.error({ category: 'auth', err: (err as Error).message }, 'sign-in throttle unavailable');
    throw new ApiError(503, 'Service temporarily unavailable, please retry');
  }
  if (!decision.allowed) {
    res.setHeader('Retry-After', String(decision.retryAfterSeconds));
    throw new ApiError(429, 'Too many attempts: wait a while and try again');
  }
  return throttler;
}

async function startSession(services: Services, req: Request, res: Response, user: User, status: number): Promise<void> {
  const { config } = services;
  const { token, session } = await createSession(services.db, user.id, config.sessionLifetimeDays, config.sessionIdleDays);
  setSessionCookie(req, res, config, token, session.expires_at);
  res.status(status).json({ success: true, user: presentUser(user), csrf_token: csrfTokenFor(config, token) });
}

export function registerSessionRoutes(api: ApiRouter, limits: SignInLimits = DEFAULT_SIGN_IN_LIMITS): void {
  api.add({
    method: 'get',
    path: '/api/v1/auth/options',
    tag: 'Accounts',
    summary: 'How one may get an account here: the sign-up mode, and whether the first (admin) account is still to be made',
    auth: 'public',
    responses: { 200: { description: 'Sign-up options', schema: authOptions } },
    handler: async ({ res, services }) => {
      res.json({ success: true, signup: services.config.signup, needs_first_user: (await countUsers(services.db)) === 0 });
    },
  });

  api.add({
    method: 'post',
    path: '/api/v1/auth/signup',
    tag: 'Accounts',
    summary: 'Create an account with email and password and sign in (the first account of an install becomes admin)',
    auth: 'public',
    body: signupBody,
    bodyLimit: '16kb',
    responses: {
      201: { description: 'Signed up and in; the session cookie is set', schema: sessionAnswer },
      403: { description: 'Sign-up is closed, or needs a valid invite' },
      409: { description: 'The email or username is taken' },
      429: { description: 'Too many attempts from this address' },
    },
    handler: async ({ req, res, body, services }) => {
      await throttle(services, limits, req, res);
      const user = await signUp(services, body);
      await startSession(services, req, res, user, 201);
    },
  });

  api.add({
    method: 'post',
    path: '/api/v1/auth/signin',
    tag: 'Accounts',
    summary: 'Sign in with email and password; throttled per account and per address (IPv4, or IPv6 /64)',
    auth: 'public',
    body: signinBody,
    bodyLimit: '16kb',
    responses: {
      200: { description: 'Signed in; the session cookie is set', schema: sessionAnswer },
      401: { description: 'Wrong email or password' },
      429: { description: 'Too many attempts for this account or from this address (see Retry-After)' },
    },
    handler: async ({ req, res, body, services }) => {
      const throttler = await throttle(services, limits, req, res, body.email);
      const user = await checkCredentials(services, { email: body.email }, body.password);
      if (!user) throw new ApiError(401, 'Wrong email or password');
      await throttler.forgetAccount(body.email);
      await startSession(services, req, res, user, 200);
    },
  });

  api.add({
    method: 'post',
    path: '/api/v1/auth/signout',
    tag: 'Accounts',
    summary: 'End this browser session and clear its cookie (needs X-CSRF-Token while the session is live)',
    auth: 'public',
    responses: { 200: { description: 'Signed out', schema: successOnly }, 403: { description: 'Missing or invalid CSRF token' } },
    handler: async ({ req, res, services }) => {
      const cookie = readSessionCookie(req);
      if (cookie) {
        try {
          await authenticate(services, req, { sessionOnly: true });
        } catch (err) {
          // An ended session signs out as well; only a live one without its CSRF token is refused.
          if (!(err instanceof ApiError && err.status === 401)) throw err;
        }
        await deleteSessionByToken(services.db, cookie);
      }
      clearSessionCookie(req, res, services.config);
      res.json({ success: true });
    },
  });

  api.add({
    method: 'get',
    path: '/api/v1/auth/session',
    tag: 'Accounts',
    summary: 'The signed-in user and the session\'s CSRF token (for X-CSRF-Token on unsafe requests)',
    auth: 'session',
    responses: { 200: { description: 'Signed in', schema: sessionAnswer }, 401: { description: 'Not signed in' } },
    handler: async ({ req, res, auth, services }) => {
      res.json({ success: true, user: presentUser(auth.user), csrf_token: csrfTokenFor(services.config, readSessionCookie(req) as string) });
    },
  });

  api.add({
    method: 'post',
    path: '/api/v1/auth/password',
    tag: 'Accounts',
    summary: 'Change your password; every other session of yours ends',
    auth: 'session',
    body: passwordBody,
    bodyLimit: '16kb',
    responses: {
      200: { description: 'Changed', schema: successOnly },
      403: { description: 'The current password is wrong' },
      429: { description: 'Too many attempts' },
    },
    handler: async ({ req, res, body, auth, services }) => {
      await throttle(services, limits, req, res, auth.user.email);
      const user = await checkCredentials(services, { id: auth.user.id }, body.current_password);
      if (!user) throw new ApiError(403, 'The current password is wrong');
      await setPassword(services, user.id, body.new_password, auth.session?.id);
      res.json({ success: true });
    },
  });
}
