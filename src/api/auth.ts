import type { Request } from 'express';
import { findLiveSession } from '../db/session-store';
import { findLiveToken, type Authenticated } from '../db/token-store';
import { constantTimeEqual } from '../lib/secrets';
import type { Services } from '../services';
import { SCOPES, TOKEN_PATTERN, type Scope } from '../lib/tokens';
import { ApiError } from './errors';
import { CSRF_HEADER, csrfTokenFor, isSameOrigin, readSessionCookie } from './session-cookie';

export function bearerToken(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Resolves the request to its user: by the bearer token when an Authorization header is sent,
 * else by the session cookie (a session acts with every scope). A cookie on an unsafe method
 * also needs the session's CSRF token in X-CSRF-Token, or, for `csrf: 'same-origin'` (pages we
 * do not write), an Origin naming this host. Throws 401 or 403. `sessionOnly`: the route is
 * about the browser session itself, so a token does not do.
 */
export async function authenticate(services: Services, req: Request, options: { sessionOnly?: boolean; csrf?: 'token' | 'same-origin' } = {}): Promise<Authenticated> {
  if (req.headers.authorization !== undefined && !options.sessionOnly) return authenticateToken(services, req);
  const cookie = readSessionCookie(req);
  if (!cookie) {
    throw new ApiError(401, options.sessionOnly ? 'Not signed in' : 'Missing API token: send Authorization: Bearer <token> or sign in');
  }
  const found = await findLiveSession(services.db, cookie, services.config.sessionIdleDays);
  if (!found) throw new ApiError(401, 'Session expired or signed out: sign in again');
  if (!SAFE_METHODS.has(req.method) && options.csrf === 'same-origin') {
    if (!isSameOrigin(req)) throw new ApiError(403, 'Cross-origin request refused: send it from a page of this host');
  } else if (!SAFE_METHODS.has(req.method)) {
    const presented = req.headers[CSRF_HEADER];
    if (typeof presented !== 'string' || !constantTimeEqual(presented, csrfTokenFor(services.config, cookie))) {
      throw new ApiError(403, 'Missing or invalid CSRF token: send the session\'s csrf_token in X-CSRF-Token');
    }
  }
  return { user: found.user, scopes: SCOPES, session: { id: found.session.id, expires_at: found.session.expires_at } };
}

async function authenticateToken(services: Services, req: Request): Promise<Authenticated> {
  const presented = bearerToken(req);
  if (!presented) throw new ApiError(401, 'Missing API token: send Authorization: Bearer <token>');
  // A malformed token cannot be valid; answering without a database round trip also keeps
  // junk out of the query path.
  if (!TOKEN_PATTERN.test(presented)) throw new ApiError(401, 'Invalid or expired API token');
  const found = await findLiveToken(services.db, presented);
  if (!found) throw new ApiError(401, 'Invalid or expired API token');
  return { user: found.user, scopes: found.token.scopes, token: found.token };
}

/** A list of scopes means any one of them will do (collections serve both surfaces). */
export function requireScope(auth: Authenticated, scope: Scope | readonly Scope[]): void {
  const accepted: readonly Scope[] = typeof scope === 'string' ? [scope] : scope;
  if (!accepted.some((s) => auth.scopes.includes(s))) {
    throw new ApiError(403, `Insufficient scope: this token lacks ${accepted.join(' or ')}`);
  }
}

export function requireAdmin(auth: Authenticated): void {
  if (!auth.user.is_admin) throw new ApiError(403, 'Only an administrator may do this');
}
