import type { ErrorRequestHandler, Request } from 'express';
import type { z } from 'zod';
import { PKGLNK_CODES, type pkglnkError, type pvtlnkError } from './errors.schema';
import { DomainError, type DomainErrorKind } from '../domain/errors';
import type { Logger } from '../logger';

/**
 * One error type for the API and one handler. The two public contracts speak different
 * envelopes; which one a request gets depends only on its path (its surface).
 */
export type Surface = 'pvtlnk' | 'pkglnk';

const PKGLNK_PATHS = [
  /^\/api\/v1\/packages(\/|$)/, /^\/api\/v1\/analytics\/summary\/?$/, /^\/api\/v1\/collections(\/|$)/, /^\/api\/v1\/install-(start|progress)(\/|$)/,
  // pkglnk's public side and the editor client's calls, known paths and unknown ones beneath them alike.
  /^\/api\/(directory|collections|check-availability)(\/|$)/, /^\/api\/v1\/bookmarks(\/|$)/, /^\/auth\/unity-(start|confirm)(\/|$)/,
];

export function surfaceOf(path: string): Surface {
  return PKGLNK_PATHS.some((re) => re.test(path)) ? 'pkglnk' : 'pvtlnk';
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Per-field validation messages (PVTLNK's `errors` array). */
    readonly errors?: string[],
  ) {
    super(message);
  }

  static validation(errors: string[]): ApiError {
    return new ApiError(422, 'Validation failed', errors);
  }
}

export function errorBody(surface: Surface, status: number, message: string, errors?: string[]): z.output<typeof pvtlnkError> | z.output<typeof pkglnkError> {
  if (surface === 'pkglnk') {
    const code = PKGLNK_CODES[status as keyof typeof PKGLNK_CODES] ?? (status >= 500 ? 'internal_error' : 'bad_request');
    return { error: { code, message: errors?.length ? `${message}: ${errors.join('; ')}` : message } };
  }
  return errors ? { success: false, error: message, errors } : { success: false, error: message };
}

interface BodyParserError {
  type?: string;
  status?: number;
}

/** The one place a domain error becomes an API status. */
const DOMAIN_STATUS: Record<DomainErrorKind, number> = { invalid: 422, not_found: 404, conflict: 409, forbidden: 403, forbidden_by_plan: 403, unavailable: 503 };

function classify(err: unknown): ApiError | undefined {
  if (err instanceof ApiError) return err;
  if (err instanceof DomainError) return new ApiError(DOMAIN_STATUS[err.kind], err.message, err.errors);
  const parserError = err as BodyParserError;
  switch (parserError?.type) {
    case 'entity.parse.failed':
      return new ApiError(400, 'Request body is not valid JSON');
    case 'entity.too.large':
      return new ApiError(413, 'Request body is too large');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new ApiError(415, 'Unsupported request body encoding');
    case 'request.aborted':
      return new ApiError(400, 'Request was aborted');
  }
  if (typeof parserError?.status === 'number' && parserError.status >= 400 && parserError.status < 500) {
    return new ApiError(parserError.status, 'Bad request');
  }
  return undefined;
}

export function sendError(req: Request, res: import('express').Response, err: ApiError): void {
  res.status(err.status).json(errorBody(surfaceOf(req.path), err.status, err.message, err.errors));
}

/** The matched route's pattern, never the concrete path: paths can carry secrets (postback tokens). */
function routePattern(req: Request): string {
  return (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const known = classify(err);
    if (res.headersSent) {
      // A streamed response failed midway: the client sees a truncated body; all we can do is log.
      logger.error({ category: 'api', err, route: routePattern(req) }, 'response failed after headers were sent');
      res.destroy();
      return;
    }
    if (known) {
      sendError(req, res, known);
      return;
    }
    logger.error({ category: 'api', err, method: req.method, route: routePattern(req) }, 'unhandled API error');
    sendError(req, res, new ApiError(500, 'Internal server error'));
  };
}
