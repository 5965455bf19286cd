/**
 * The public edge in the OpenAPI document: paths the web process answers outside Express
 * (proxy/: the redirector, the git proxy, badges) and the operational ones (health, metrics).
 * They have no RouteSpec, so they are described here by hand. Each operation carries
 * `x-linktally-edge: true`: its answers are redirects, pages, git packs and SVG, not the API's
 * JSON envelopes (the OpenAPI fuzzer leaves them out).
 */

import { readiness } from './health.schema';

const text = (description: string, type = 'text/plain') => ({ description, content: { [type]: { schema: { type: 'string' } } } });
const page = (description: string) => text(description, 'text/html');
/** Node's HTTP server answers this itself, for every path, when the request's headers pass 16 KB. */
export const HEADERS_TOO_LARGE = { description: 'Request headers over 16 KB (answered by the HTTP server itself, as on every path)' };

const code = { name: 'code', in: 'path', required: true, description: 'The short code', schema: { type: 'string', pattern: '^[A-Za-z0-9_-]+$' } };
const slug = { name: 'slug', in: 'path', required: true, description: 'The package slug', schema: { type: 'string' } };

function edge(operationId: string, tag: string, summary: string, extra: object): object {
  return { operationId, tags: [tag], summary, security: [], 'x-linktally-edge': true, ...extra };
}

export const EDGE_TAGS = [
  { name: 'Redirector', description: 'Short links: the public redirect, answered without the API' },
  { name: 'Git proxy', description: 'The pkglnk git smart-HTTP proxy that Unity Package Manager installs through' },
  { name: 'Badges', description: 'README badges of package installs' },
  { name: 'Operations', description: 'Health probes and Prometheus metrics' },
];

export const EDGE_PATHS: Record<string, Record<string, object>> = {
  '/{code}': {
    get: edge('getShortLink', 'Redirector', 'Follow a short link: 302 to its destination (or a variant\'s); a password form when the link has a password', {
      description: 'A protected link answers 200 with an HTML form that POSTs `password` (form-encoded) back to this path: a right one is answered with the 302 (and a cookie), a wrong one 401, too many from one address 429 with Retry-After. Every answer carries X-Request-Id.',
      parameters: [code],
      responses: {
        302: { description: 'To the destination', headers: { Location: { description: 'The destination URL', schema: { type: 'string', format: 'uri' } } } },
        200: page('The password form of a protected link'),
        404: page('No such link'),
        410: page('The link has expired or is not active yet'),
      },
    }),
  },
  '/{slug}.git/info/refs': {
    get: edge('getGitRefs', 'Git proxy', 'Git smart-HTTP ref advertisement, proxied to the package\'s upstream; counts the install', {
      parameters: [slug, { name: 'service', in: 'query', required: true, schema: { type: 'string', enum: ['git-upload-pack'] } }],
      responses: {
        200: text('The upstream\'s ref advertisement', 'application/x-git-upload-pack-advertisement'),
        404: text('No such package'),
        502: text('The upstream could not be reached'),
        503: text('The package could not be looked up (database away); try again'),
        504: text('The upstream did not answer in time'),
      },
    }),
  },
  '/{slug}.git/git-upload-pack': {
    post: edge('postGitUploadPack', 'Git proxy', 'Git smart-HTTP pack negotiation, streamed both ways to the upstream', {
      parameters: [slug],
      requestBody: { required: true, content: { 'application/x-git-upload-pack-request': { schema: { type: 'string', format: 'binary' } } } },
      responses: {
        200: text('The pack', 'application/x-git-upload-pack-result'),
        404: text('No such package'),
        502: text('The upstream could not be reached'),
        503: text('The package could not be looked up (database away); try again'),
        504: text('The upstream did not answer in time'),
      },
    }),
  },
  '/badge/{slug}.svg': {
    get: edge('getInstallBadge', 'Badges', 'A README badge with the package\'s install count', {
      parameters: [slug, { name: 'style', in: 'query', required: false, description: 'Badge style', schema: { type: 'string', enum: ['pkglnk', 'upm', 'upm-installs', 'installs'] } }],
      responses: {
        200: text('The badge', 'image/svg+xml'),
        304: { description: 'Unchanged since the ETag sent in If-None-Match' },
        400: text('An "unknown style" badge', 'image/svg+xml'),
        404: text('A "not found" badge', 'image/svg+xml'),
        503: text('An "unavailable" badge (database away, nothing cached)', 'image/svg+xml'),
      },
    }),
  },
  '/healthz': {
    get: edge('getHealthz', 'Operations', 'Liveness: the process answers', {
      responses: {
        200: { description: 'Alive', content: { 'application/json': { schema: { type: 'object', properties: { status: { const: 'ok' } }, required: ['status'] } } } },
        431: HEADERS_TOO_LARGE,
      },
    }),
  },
  '/readyz': {
    get: edge('getReadyz', 'Operations', 'Readiness: PostgreSQL and Redis answer and the process is not shutting down', {
      responses: {
        200: { description: 'Ready', content: { 'application/json': { schema: { $ref: '#/components/schemas/Readiness' } } } },
        503: { description: 'A dependency is unreachable, or shutdown has started (status "stopping")', content: { 'application/json': { schema: { $ref: '#/components/schemas/Readiness' } } } },
        431: HEADERS_TOO_LARGE,
      },
    }),
  },
  '/metrics': {
    get: edge('getMetrics', 'Operations', 'Prometheus metrics of this process (bearer METRICS_TOKEN; 404 when none is configured)', {
      security: [{ metricsToken: [] }],
      responses: {
        200: text('Prometheus text exposition'),
        401: text('No or a wrong token'),
        404: text('Metrics are not enabled (METRICS_TOKEN unset)'),
      },
    }),
  },
};

/** The named schemas the paths above refer to: the document converts them with the API's own. */
export const EDGE_SCHEMAS = [readiness];

export const EDGE_COMPONENTS = {
  securitySchemes: {
    metricsToken: { type: 'http', scheme: 'bearer', description: 'The METRICS_TOKEN of the deployment' },
  },
};
