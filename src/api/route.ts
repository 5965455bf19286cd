import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import type { z } from 'zod';
import type { Authenticated } from '../db/token-store';
import type { Services } from '../services';
import type { Scope } from '../lib/tokens';
import { authenticate, requireAdmin, requireScope } from './auth';
import { formatIssues, pathSegments } from '../lib/schemas';
import { ApiError } from './errors';
import { csvUpload } from './csv-upload';
import { consumeDailyRequest } from './rate-limit';

/**
 * Every API endpoint is declared once as a RouteSpec: its path, scope and the zod schemas of
 * its input and output. The same declaration mounts the Express handler (authenticate, count,
 * check scope, validate) and feeds the OpenAPI document, so the docs cannot drift from what
 * is enforced.
 */

type AnySchema = z.ZodType;
type Infer<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface ResponseSpec {
  description: string;
  schema?: AnySchema;
  /** Defaults to application/json. */
  contentType?: string;
  /** A 429 of a per-address allowance, which also sets X-RateLimit-* on the route's answers (see address-limit.ts). */
  rateLimitHeaders?: boolean;
}

export interface RouteContext<B, Q, P, A> {
  req: Request;
  res: Response;
  body: B;
  query: Q;
  params: P;
  auth: A;
  services: Services;
}

/** One scope, or a list meaning "any of these" (for resources both surfaces share). */
export type RouteScope = Scope | readonly Scope[];

/** What a route needs of its caller: a scope (token or session), only a browser session, or nothing. */
export type RouteAuth = RouteScope | 'session' | 'public';

export interface RouteSpec<BS, QS, PS, Auth extends RouteAuth> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Express-style path, e.g. /api/v1/links/:id */
  path: string;
  summary: string;
  tag: string;
  /**
   * The scope a token needs (a list: any one of them; a session cookie has every scope),
   * 'session' for routes about the browser session itself, or 'public' for unauthenticated ones.
   */
  auth: Auth;
  /** Only a user with is_admin may call it (besides the scope). */
  admin?: boolean;
  body?: BS;
  query?: QS;
  params?: PS;
  /** Largest JSON body accepted (default 1mb). */
  bodyLimit?: string;
  /** Also accept a text/csv body or a multipart file upload (same limit), read as the JSON body `{ [csvField]: text }`. */
  csvField?: string;
  responses: Record<number, ResponseSpec>;
  handler: (ctx: RouteContext<Infer<BS>, Infer<QS>, Infer<PS>, Auth extends 'public' ? undefined : Authenticated>) => Promise<void>;
}

// Erased form stored in the registry; type safety lives at the declaration site.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRouteSpec = RouteSpec<AnySchema | undefined, AnySchema | undefined, AnySchema | undefined, RouteAuth>;

function parsePart<S extends AnySchema | undefined>(schema: S, value: unknown, status: number, what: string): Infer<S> {
  if (!schema) return undefined as Infer<S>;
  const result = schema.safeParse(value);
  if (result.success) return result.data as Infer<S>;
  const errors = formatIssues(result.error);
  throw new ApiError(status, status === 422 ? 'Validation failed' : `Invalid ${what}`, errors);
}

function hasBody(req: Request): boolean {
  return Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
}

/** The parsed JSON object body; an absent body reads as {} so the schema decides what is required. */
/** '16mb' / '512kb' (the bodyLimit spellings used here) in bytes, for the upload's own bound. */
function limitBytes(limit: string): number {
  const match = /^(\d+)(kb|mb)$/.exec(limit);
  if (!match) throw new Error(`bodyLimit ${limit} is not N kb or N mb`);
  return Number(match[1]) * (match[2] === 'mb' ? 1_048_576 : 1024);
}

function jsonObjectBody(req: Request, csvField?: string): Record<string, unknown> {
  if (req.body === undefined) {
    if (hasBody(req)) throw new ApiError(415, `Request body must be JSON, sent with Content-Type: application/json${csvField ? ', or CSV with Content-Type: text/csv' : ''}`);
    return {};
  }
  if (req.body === null || typeof req.body !== 'object' || Array.isArray(req.body)) {
    throw new ApiError(400, 'Request body must be a JSON object');
  }
  return req.body as Record<string, unknown>;
}

export class ApiRouter {
  readonly routes: AnyRouteSpec[] = [];

  add<BS extends AnySchema | undefined = undefined, QS extends AnySchema | undefined = undefined, PS extends AnySchema | undefined = undefined, Auth extends RouteAuth = Scope>(
    spec: RouteSpec<BS, QS, PS, Auth>,
  ): void {
    this.routes.push(spec as unknown as AnyRouteSpec);
  }

  mount(router: Router, services: Services): void {
    for (const spec of this.routes) {
      // Authentication comes before the body parser: a request without a valid token or
      // session is answered 401 without its body being read, so nobody unauthenticated can
      // make the server parse megabytes of JSON.
      const handlers: RequestHandler[] = [authenticateRoute(services, spec)];
      if (spec.body) handlers.push(express.json({ limit: spec.bodyLimit ?? '1mb', strict: true }));
      if (spec.body && spec.csvField) {
        handlers.push(express.text({ type: 'text/csv', limit: spec.bodyLimit ?? '1mb' }));
        handlers.push(csvUpload(spec.csvField, limitBytes(spec.bodyLimit ?? '1mb')));
      }
      handlers.push(async (req, res) => {
        const auth = res.locals.auth as Authenticated | undefined;
        // Every route, whatever its own params schema: no path segment with a control character names anything.
        parsePart(pathSegments, req.params, 404, 'path');
        const params = parsePart(spec.params, req.params, 404, 'path');
        const query = parsePart(spec.query, req.query, 400, 'query parameters');
        const csv = spec.csvField && typeof req.body === 'string' ? { [spec.csvField]: req.body } : undefined;
        const body = parsePart(spec.body, spec.body ? csv ?? jsonObjectBody(req, spec.csvField) : undefined, 422, 'body');
        await spec.handler({ req, res, body, query, params, auth, services } as never);
      });
      router[spec.method](spec.path, ...handlers);
    }
  }
}

function authenticateRoute(services: Services, spec: AnyRouteSpec): RequestHandler {
  return async (req, res, next) => {
    if (spec.auth !== 'public') {
      try {
        res.locals.auth = await authorize(services, spec, req, res);
      } catch (err) {
        // The unread body is not drained either: the connection closes after the answer.
        if (hasBody(req)) res.setHeader('Connection', 'close');
        throw err;
      }
    }
    next();
  };
}

async function authorize(services: Services, spec: AnyRouteSpec, req: Request, res: Response): Promise<Authenticated> {
  const auth = await authenticate(services, req, { sessionOnly: spec.auth === 'session' });
  if (spec.auth !== 'session' && spec.auth !== 'public') {
    await consumeDailyRequest(services, auth.user.id, auth.user.plan, res);
    requireScope(auth, spec.auth);
  }
  if (spec.admin) requireAdmin(auth);
  return auth;
}
