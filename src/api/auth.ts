import type { Request } from 'express';
import { findLiveToken, type Authenticated } from '../db/token-store';
import type { Services } from '../services';
import { TOKEN_PATTERN, type Scope } from '../lib/tokens';
import { ApiError } from './errors';

export function bearerToken(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/** Resolves the request's bearer token to a live token and its user, or throws 401. */
export async function authenticate(services: Services, req: Request): Promise<Authenticated> {
  const presented = bearerToken(req);
  if (!presented) throw new ApiError(401, 'Missing API token: send Authorization: Bearer <token>');
  // A malformed token cannot be valid; answering without a database round trip also keeps
  // junk out of the query path.
  if (!TOKEN_PATTERN.test(presented)) throw new ApiError(401, 'Invalid or expired API token');
  const found = await findLiveToken(services.db, presented);
  if (!found) throw new ApiError(401, 'Invalid or expired API token');
  return found;
}

/** A list of scopes means any one of them will do (collections serve both surfaces). */
export function requireScope(auth: Authenticated, scope: Scope | readonly Scope[]): void {
  const accepted: readonly Scope[] = typeof scope === 'string' ? [scope] : scope;
  if (!accepted.some((s) => auth.token.scopes.includes(s))) {
    throw new ApiError(403, `Insufficient scope: this token lacks ${accepted.join(' or ')}`);
  }
}
