import type { z } from 'zod';
import type { AnyRouteSpec, ResponseSpec } from './route';
import { surfaceOf, type Surface } from './errors';
import { pkglnkError, pvtlnkError } from './errors.schema';
import { EDGE_COMPONENTS, EDGE_PATHS, EDGE_SCHEMAS, EDGE_TAGS, HEADERS_TOO_LARGE } from './openapi-edge';
import { SchemaComponents } from './openapi-schema';
import { UNITY_SIGN_IN_TAG, unitySignInPaths } from './openapi-unity';

/** getLinksById, postTokensRevoke…: the method and the path after /api/v1, stable across releases. */
function operationIdOf(method: string, path: string): string {
  const words = path.replace(/^\/api\/v1\/?/, '').split('/').filter(Boolean).map((segment) => {
    const param = /^:(\w+)$/.exec(segment);
    const word = (param ? `by_${param[1]}` : segment).split(/[^A-Za-z0-9]+/).filter(Boolean);
    return word.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
  });
  return `${method}${words.join('') || 'Root'}`;
}

/** Node's HTTP server answers it itself, before Express: no envelope. */
const HEADERS_TOO_LARGE_STATUS = 431;

const RATE_LIMIT_HEADERS = {
  'X-RateLimit-Limit': { description: 'Requests allowed in the window: a UTC day for an account (token or session), a minute for one address on public pkglnk endpoints', schema: { type: 'integer' } },
  'X-RateLimit-Remaining': { description: 'Requests left in the window', schema: { type: 'integer' } },
  'X-RateLimit-Reset': { description: 'When the window ends (Unix seconds)', schema: { type: 'integer' } },
};
const RETRY_AFTER = { 'Retry-After': { description: 'Seconds to wait before trying again', schema: { type: 'integer' } } };
const HEADERS = { ...RATE_LIMIT_HEADERS, ...RETRY_AFTER };

const ERROR_ENVELOPE: Record<Surface, z.ZodType> = { pvtlnk: pvtlnkError, pkglnk: pkglnkError };

const IMPLIED_ERRORS: Record<number, string> = {
  400: 'Malformed request: a query parameter that cannot be read, or a body that is not a JSON object',
  401: 'No valid token or session',
  403: 'The token lacks the scope, the plan lacks the feature, the session sent no CSRF token, or the user is not an administrator',
  404: 'Not found, or not yours',
  413: 'Request body too large',
  415: 'Request body is not JSON (or, where accepted, CSV)',
  422: 'Validation failed',
  429: 'Daily request limit reached',
};

function headerRefs(names: readonly string[]): Record<string, object> {
  return Object.fromEntries(names.map((name) => [name, { $ref: `#/components/headers/${name}` }]));
}

/** Called with a scope (a token, or the session cookie): counted against the account's daily allowance. */
function isScoped(route: AnyRouteSpec): boolean {
  return route.auth !== 'public' && route.auth !== 'session';
}

/** The account's daily allowance, or a per-address one the route declares. */
function setsRateLimitHeaders(route: AnyRouteSpec): boolean {
  return isScoped(route) || Object.values(route.responses).some((response) => response.rateLimitHeaders);
}

/** The 4xx answers a route can give that its declaration leaves implicit: they follow from its auth and inputs (route.ts). */
function impliedErrors(route: AnyRouteSpec): Record<number, ResponseSpec> {
  const statuses = new Set<number>();
  if (route.auth !== 'public') statuses.add(401);
  // A session cookie on an unsafe method needs X-CSRF-Token.
  if (isScoped(route) || route.admin || (route.auth === 'session' && route.method !== 'get')) statuses.add(403);
  if (isScoped(route)) statuses.add(429);
  if (route.params) statuses.add(404);
  if (route.query) statuses.add(400);
  if (route.body) [400, 413, 415, 422].forEach((status) => statuses.add(status));
  const implied: Record<number, ResponseSpec> = Object.fromEntries([...statuses].map((status) => [status, { description: IMPLIED_ERRORS[status]! }]));
  // A route that takes nothing can still be sent too much: the one 4xx every path has.
  if (statuses.size === 0 && !Object.keys(route.responses).some((s) => s.startsWith('4'))) implied[HEADERS_TOO_LARGE_STATUS] = HEADERS_TOO_LARGE;
  return implied;
}

function responsesOf(route: AnyRouteSpec, components: SchemaComponents): Record<string, object> {
  const limited = setsRateLimitHeaders(route);
  const envelope = components.output(ERROR_ENVELOPE[surfaceOf(route.path)]);
  const all = { ...impliedErrors(route), ...route.responses };
  const byStatus = Object.entries(all).sort(([a], [b]) => Number(a) - Number(b));
  return Object.fromEntries(byStatus.map(([status, response]) => {
    const code = Number(status);
    const headers = [
      ...(limited && (code < 300 || code === 429) ? Object.keys(RATE_LIMIT_HEADERS) : []),
      ...(code === 429 ? Object.keys(RETRY_AFTER) : []),
    ];
    // An error declared without a body of its own is its surface's envelope (but for the HTTP server's own 431).
    const enveloped = code >= 400 && code !== HEADERS_TOO_LARGE_STATUS && !response.contentType;
    const schema = response.schema ? components.output(response.schema) : enveloped ? envelope : undefined;
    return [status, {
      description: response.description,
      ...(headers.length ? { headers: headerRefs(headers) } : {}),
      ...(schema ? { content: { [response.contentType ?? 'application/json']: { schema } } } : {}),
    }];
  }));
}

function openapiPath(path: string): string {
  return path.replace(/:([A-Za-z_]+)/g, '{$1}');
}

/**
 * Who may call: nobody in particular, the browser session only, or a bearer token with the
 * scope (x-required-scope) or the session cookie (which has every scope; unsafe methods also
 * need X-CSRF-Token). x-admin-only: the user must be an administrator.
 */
function securityOf(route: AnyRouteSpec): object {
  if (route.auth === 'public') return { security: [] };
  const admin = route.admin ? { 'x-admin-only': true } : {};
  if (route.auth === 'session') return { security: [{ sessionCookie: [] }], ...admin };
  return { security: [{ bearerAuth: [] }, { sessionCookie: [] }], 'x-required-scope': route.auth, ...admin };
}

/** OpenAPI 3.1 document built from the same route declarations that validate requests. */
export function buildOpenApiDocument(routes: readonly AnyRouteSpec[], serverUrl: string): object {
  const components = new SchemaComponents();
  const paths: Record<string, Record<string, object>> = {};
  for (const route of routes) {
    const path = openapiPath(route.path);
    paths[path] ??= {};
    paths[path][route.method] = {
      operationId: operationIdOf(route.method, route.path),
      summary: route.summary,
      tags: [route.tag],
      // x-required-scope: one scope as a string, or a list of which any one suffices.
      ...securityOf(route),
      parameters: [...components.parameters(route.params, 'path'), ...components.parameters(route.query, 'query')],
      ...(route.body ? {
        requestBody: {
          required: true,
          content: {
            'application/json': { schema: components.input(route.body) },
            ...(route.csvField ? {
              'text/csv': { schema: { type: 'string', description: `The ${route.csvField} field, sent as the whole body` } },
              'multipart/form-data': { schema: { type: 'object', properties: { file: { type: 'string', format: 'binary', description: `The ${route.csvField} field as an uploaded file (any one file part)` } } } },
            } : {}),
          },
        },
      } : {}),
      responses: responsesOf(route, components),
    };
  }
  Object.assign(paths, unitySignInPaths(components));
  for (const schema of EDGE_SCHEMAS) components.output(schema);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Linktally API',
      version: '1.0.0',
      description: 'Short links (PVTLNK contract) and package installs (pkglnk contract) on one host.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: serverUrl }],
    tags: [...[...new Set(routes.map((r) => r.tag))].map((name) => ({ name, description: `${name} endpoints` })), UNITY_SIGN_IN_TAG, ...EDGE_TAGS],
    components: {
      // By name, so a reader (and a generated client) finds each object where it expects it.
      schemas: Object.fromEntries(Object.entries(components.schemas).sort(([a], [b]) => a.localeCompare(b))),
      headers: HEADERS,
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'pk_live_ followed by 32 base62 characters' },
        sessionCookie: { type: 'apiKey', in: 'cookie', name: 'lt_session', description: 'A browser session from POST /api/v1/auth/signin; unsafe methods also need the header X-CSRF-Token: <csrf_token>' },
        ...EDGE_COMPONENTS.securitySchemes,
      },
    },
    paths: { ...paths, ...EDGE_PATHS },
  };
}
