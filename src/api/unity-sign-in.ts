import express, { type Express, type Request, type Response } from 'express';
import { z } from 'zod';
import { findLiveSession } from '../db/session-store';
import { issueToken } from '../db/token-store';
import type { User } from '../db/user-store';
import { constantTimeEqual } from '../lib/secrets';
import type { Scope } from '../lib/tokens';
import type { Services } from '../services';
import { ApiError } from './errors';
import { csrfTokenFor, readSessionCookie } from './session-cookie';
import { unityConfirmPage } from './unity-sign-in-page';

/**
 * The pkglnk editor client's sign-in (PkgLnkAuth.cs): it listens on http://localhost:{port}/ and
 * opens /auth/unity-start?port={port} in the browser. A signed-in person is asked to confirm; only
 * then is a token minted and the browser sent to the editor's listener with it. The target is
 * always http://localhost:{port}/, built here from a validated port: no other host can be named.
 */
export const START_PATH = '/auth/unity-start';
export const CONFIRM_PATH = '/auth/unity-confirm';
export const EDITOR_SCOPES: readonly Scope[] = ['packages:read', 'packages:write', 'analytics:read'];
/** An editor token ends; signing in again from the editor makes a new one. */
export const EDITOR_TOKEN_DAYS = 90;

const port = z
  .string({ error: 'Port must be a port number from 1024 to 65535' })
  .regex(/^\d{1,5}$/, 'Port must be a port number from 1024 to 65535')
  .transform(Number)
  .pipe(z.number().int().min(1024, 'Port must be a port number from 1024 to 65535').max(65535, 'Port must be a port number from 1024 to 65535'));

export const startQuery = z.object({ port: port.describe('The port the editor listens on, at http://localhost:{port}/') });
export const confirmForm = z.object({ port, csrf_token: z.string().max(200), decision: z.enum(['allow', 'cancel']) });

function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ApiError(400, result.error.issues[0]?.message ?? 'Bad request');
  return result.data;
}

/** The only place the editor's address is written: loopback, the validated port, nothing from the request. */
export function editorCallback(editorPort: number, params: Record<string, string>): string {
  return `http://localhost:${editorPort}/?${new URLSearchParams(params).toString()}`;
}

async function signedIn(services: Services, req: Request): Promise<{ user: User; cookie: string } | undefined> {
  const cookie = readSessionCookie(req);
  if (!cookie) return undefined;
  const found = await findLiveSession(services.db, cookie, services.config.sessionIdleDays);
  return found ? { user: found.user, cookie } : undefined;
}

function noStore(res: Response): void {
  res.set({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' });
}

async function start(services: Services, req: Request, res: Response): Promise<void> {
  const { port: editorPort } = parse(startQuery, req.query);
  noStore(res);
  const session = await signedIn(services, req);
  if (!session) {
    // The dashboard's sign-in brings the person back here afterwards (a same-site path only).
    res.redirect(302, `/signin?next=${encodeURIComponent(`${START_PATH}?port=${editorPort}`)}`);
    return;
  }
  res.set({
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' http://localhost:*; frame-ancestors 'none'; base-uri 'none'",
    'X-Frame-Options': 'DENY',
  });
  res.type('html').send(unityConfirmPage({
    username: session.user.username, port: editorPort, csrfToken: csrfTokenFor(services.config, session.cookie), action: CONFIRM_PATH,
  }));
}

async function confirm(services: Services, req: Request, res: Response): Promise<void> {
  const form = parse(confirmForm, req.body ?? {});
  noStore(res);
  const session = await signedIn(services, req);
  if (!session) throw new ApiError(401, 'Not signed in');
  if (!constantTimeEqual(form.csrf_token, csrfTokenFor(services.config, session.cookie))) throw new ApiError(403, 'Missing or invalid CSRF token');
  if (form.decision === 'cancel') {
    // Nothing is minted; the editor stops waiting.
    res.redirect(302, editorCallback(form.port, { error: 'access_denied' }));
    return;
  }
  const { token } = await issueToken(services.db, session.user.id, EDITOR_SCOPES, { days: EDITOR_TOKEN_DAYS, name: 'Unity editor' });
  const user = (await services.db('users').where({ id: session.user.id }).first('avatar_url')) as { avatar_url: string | null } | undefined;
  res.redirect(302, editorCallback(form.port, {
    token, username: session.user.username, avatar_url: user?.avatar_url ?? '', user_id: String(session.user.id),
  }));
}

function guard(services: Services, handler: (services: Services, req: Request, res: Response) => Promise<void>) {
  return (req: Request, res: Response, next: (err?: unknown) => void): void => {
    handler(services, req, res).catch(next);
  };
}

/** Pages for a browser, not JSON resources: mounted beside the API (their errors still take the pkglnk envelope). */
export function mountUnitySignIn(app: Express, services: Services): void {
  app.get(START_PATH, guard(services, start));
  app.post(CONFIRM_PATH, express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 10 }), guard(services, confirm));
}
