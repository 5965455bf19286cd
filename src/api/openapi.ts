import { z } from 'zod';
import type { AnyRouteSpec } from './route';
import { surfaceOf, type Surface } from './errors';
import { EDGE_COMPONENTS, EDGE_PATHS, EDGE_TAGS } from './openapi-edge';

type JsonSchema = Record<string, unknown>;

function toSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  return tidy(rest) as JsonSchema;
}

/**
 * Two spellings zod emits that linters read as mistakes: a record keyed by an enum lists its
 * keys as `required` without `properties`, and `unknown | null` becomes `anyOf: [{}, null]`.
 * Both say the same thing more plainly without them.
 */
function tidy(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(tidy);
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) out[key] = tidy(value);
  if (Array.isArray(out.required) && !out.properties) delete out.required;
  if (Array.isArray(out.anyOf) && out.anyOf.some((s) => s && typeof s === 'object' && Object.keys(s).length === 0)) {
    delete out.anyOf;
  }
  return out;
}

/** getLinksById, postTokensRevoke…: the method and the path after /api/v1, stable across releases. */
function operationIdOf(method: string, path: string): string {
  const words = path.replace(/^\/api\/v1\/?/, '').split('/').filter(Boolean).map((segment) => {
    const param = /^:(\w+)$/.exec(segment);
    const word = (param ? `by_${param[1]}` : segment).split(/[^A-Za-z0-9]+/).filter(Boolean);
    return word.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
  });
  return `${method}${words.join('') || 'Root'}`;
}

const RATE_LIMIT_HEADERS = {
  'X-RateLimit-Limit': { description: 'Requests allowed per UTC day', schema: { type: 'integer' } },
  'X-RateLimit-Remaining': { description: 'Requests left today', schema: { type: 'integer' } },
  'X-RateLimit-Reset': { description: 'When the count resets (Unix seconds)', schema: { type: 'integer' } },
};

const ERROR_SCHEMA: Record<Surface, string> = { pvtlnk: 'PvtlnkError', pkglnk: 'PkglnkError' };

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Malformed request (a query parameter or body that cannot be read)',
  401: 'No valid token or session',
  403: 'The token lacks the scope, the plan lacks the feature, or the user is not an administrator',
  404: 'Not found, or not yours',
  429: 'Daily request limit reached',
};

function rateLimitHeaderRefs(): Record<string, object> {
  return Object.fromEntries(Object.keys(RATE_LIMIT_HEADERS).map((name) => [name, { $ref: `#/components/headers/${name}` }]));
}

/** The 4xx answers a route can give that its declaration leaves implicit, in its surface's envelope. */
function implicitErrors(route: AnyRouteSpec, declared: Record<string, object>): Record<string, object> {
  const statuses = new Set<number>();
  if (route.auth !== 'public') {
    statuses.add(401).add(429);
    if (route.auth !== 'session' || route.admin) statuses.add(403);
  }
  if (route.params) statuses.add(404);
  // Every route reads its query and path through the shared text rule: a public route with no
  // other 4xx can still answer 400.
  if (statuses.size === 0 && !Object.keys(declared).some((s) => s.startsWith('4'))) statuses.add(400);
  const schema = { $ref: `#/components/schemas/${ERROR_SCHEMA[surfaceOf(route.path)]}` };
  const out: Record<string, object> = {};
  for (const status of statuses) {
    if (declared[String(status)]) continue;
    out[String(status)] = {
      description: ERROR_DESCRIPTIONS[status],
      ...(route.auth !== 'public' && status === 429 ? { headers: rateLimitHeaderRefs() } : {}),
      content: { 'application/json': { schema } },
    };
  }
  return out;
}

function openapiPath(path: string): string {
  return path.replace(/:([A-Za-z_]+)/g, '{$1}');
}

function parametersOf(schema: z.ZodType | undefined, location: 'query' | 'path'): object[] {
  if (!schema) return [];
  const json = toSchema(schema, 'input');
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required as string[] | undefined) ?? []);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: location,
    required: location === 'path' || required.has(name),
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
    schema: property,
  }));
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
  const paths: Record<string, Record<string, object>> = {};
  for (const route of routes) {
    const path = openapiPath(route.path);
    const responses = Object.fromEntries(
      Object.entries(route.responses).map(([status, response]) => [
        status,
        {
          description: response.description,
          ...(response.schema ? { content: { [response.contentType ?? 'application/json']: { schema: toSchema(response.schema, 'output') } } } : {}),
        },
      ]),
    );
    if (route.auth !== 'public') {
      for (const [status, response] of Object.entries(responses)) {
        if (status.startsWith('2')) (response as { headers?: object }).headers = rateLimitHeaderRefs();
      }
    }
    Object.assign(responses, implicitErrors(route, responses));
    paths[path] ??= {};
    paths[path][route.method] = {
      operationId: operationIdOf(route.method, route.path),
      summary: route.summary,
      tags: [route.tag],
      // x-required-scope: one scope as a string, or a list of which any one suffices.
      ...securityOf(route),
      parameters: [...parametersOf(route.params, 'path'), ...parametersOf(route.query, 'query')],
      ...(route.body ? {
        requestBody: {
          required: true,
          content: {
            'application/json': { schema: toSchema(route.body, 'input') },
            ...(route.csvField ? {
              'text/csv': { schema: { type: 'string', description: `The ${route.csvField} field, sent as the whole body` } },
              'multipart/form-data': { schema: { type: 'object', properties: { file: { type: 'string', format: 'binary', description: `The ${route.csvField} field as an uploaded file (any one file part)` } } } },
            } : {}),
          },
        },
      } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Linktally API',
      version: '1.0.0',
      description: 'Short links (PVTLNK contract) and package installs (pkglnk contract) on one host.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: serverUrl }],
    tags: [...[...new Set(routes.map((r) => r.tag))].map((name) => ({ name, description: `${name} endpoints` })), ...EDGE_TAGS],
    components: {
      schemas: {
        PvtlnkError: {
          type: 'object', description: 'The PVTLNK error envelope',
          properties: { success: { const: false }, error: { type: 'string' }, errors: { type: 'array', items: { type: 'string' } } },
          required: ['success', 'error'],
        },
        PkglnkError: {
          type: 'object', description: 'The pkglnk error envelope',
          properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } }, required: ['code', 'message'] } },
          required: ['error'],
        },
        ...EDGE_COMPONENTS.schemas,
      },
      headers: RATE_LIMIT_HEADERS,
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'pk_live_ followed by 32 base62 characters' },
        sessionCookie: { type: 'apiKey', in: 'cookie', name: 'lt_session', description: 'A browser session from POST /api/v1/auth/signin; unsafe methods also need the header X-CSRF-Token: <csrf_token>' },
        ...EDGE_COMPONENTS.securitySchemes,
      },
    },
    paths: { ...paths, ...EDGE_PATHS },
  };
}
