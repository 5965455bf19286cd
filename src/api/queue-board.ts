import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Express, NextFunction, Request, Response } from 'express';
import { QUEUE_NAMES } from '../queues/registry';
import type { Services } from '../services';
import { authenticate, requireAdmin, requireScope } from './auth';
import { ApiError } from './errors';

/** The queue dashboard's home: bull-board's page, its assets and its JSON API under it. */
export const QUEUE_BOARD_PATH = '/admin/queues';

/**
 * What the board may change: retry, clean and promote jobs (one, or every job of a state), pause
 * and resume. Adding jobs and editing their data, delay or priority, emptying or obliterating a
 * queue stay closed: the board shows job data redacted (below), so saving it back would replace
 * a sealed batch with the placeholder and lose its clicks.
 */
const CHANGES_ALLOWED = [
  /^\/api\/queues\/[^/]+\/[^/]+\/(retry|clean|promote)$/,
  /^\/api\/queues\/[^/]+\/(retry|clean)\/[^/]+$/,
  /^\/api\/queues\/[^/]+\/(pause|resume|promote)$/,
  /^\/api\/queues\/(pause|resume)$/,
];

/**
 * A job's data as the board shows it. Edge batches hold visitors' addresses and user agents only
 * sealed (queues/sealed-events.ts); the board shows neither that blob nor a failed batch's
 * enriched rows, only how much there is. Every other payload is ids and names.
 */
export function boardJobData(data: unknown): unknown {
  if (!data || typeof data !== 'object' || Array.isArray(data)) return data;
  const { sealed, stored, ...rest } = data as Record<string, unknown>;
  return {
    ...rest,
    ...(typeof sealed === 'string' ? { sealed: `[sealed visitor data: ${sealed.length} characters]` } : {}),
    ...(Array.isArray(stored) ? { stored: `[${stored.length} enriched events]` } : {}),
  };
}

/**
 * Administrators only: a browser session of an admin, or an admin's token with settings:manage
 * (as /api/v1/admin). The board's page is not ours to change, so its unsafe requests prove they
 * come from this host by their Origin rather than by the CSRF header.
 */
function adminsOnly(services: Services) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    authenticate(services, req, { csrf: 'same-origin' }).then((auth) => {
      requireAdmin(auth);
      requireScope(auth, 'settings:manage');
      const change = req.method !== 'GET' && req.method !== 'HEAD';
      if (change && !CHANGES_ALLOWED.some((re) => re.test(req.path))) {
        throw new ApiError(403, 'The queue board retries, cleans, promotes, pauses and resumes; it does not add or edit jobs');
      }
      next();
    }).catch(next);
  };
}

/**
 * bull-board's page links a Google Fonts stylesheet: an administrator's address and visits would
 * reach a third party. Its scripts and styles are its own files, so a policy of this host only
 * (plus the inline styles of its loading screen) keeps the page working and that request unsent.
 */
const BOARD_POLICY = [
  "default-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data:", "font-src 'self' data:",
  "connect-src 'self'", "frame-ancestors 'none'", "base-uri 'self'", "form-action 'self'",
].join('; ');

function boardPolicy(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('Content-Security-Policy', BOARD_POLICY);
  next();
}

/** GET /admin/queues: bull-board over every queue of the registry. */
export function mountQueueBoard(app: Express, services: Services): void {
  const board = new ExpressAdapter().setBasePath(QUEUE_BOARD_PATH);
  const queues = QUEUE_NAMES.map((name) => {
    const adapter = new BullMQAdapter(services.queues.queue(name));
    adapter.setFormatter('data', boardJobData);
    return adapter;
  });
  createBullBoard({ queues, serverAdapter: board, options: { uiConfig: { boardTitle: 'Linktally queues' } } });
  app.use(QUEUE_BOARD_PATH, adminsOnly(services), boardPolicy, board.getRouter() as (req: Request, res: Response, next: NextFunction) => void);
}
