import { z } from 'zod';
import type { AnyRouteSpec } from './route';

type JsonSchema = Record<string, unknown>;

function toSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  return rest;
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
    paths[path] ??= {};
    paths[path][route.method] = {
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
    },
    servers: [{ url: serverUrl }],
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'pk_live_ followed by 32 base62 characters' },
        sessionCookie: { type: 'apiKey', in: 'cookie', name: 'lt_session', description: 'A browser session from POST /api/v1/auth/signin; unsafe methods also need the header X-CSRF-Token: <csrf_token>' },
      },
    },
    paths,
  };
}
