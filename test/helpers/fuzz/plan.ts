import type { Random } from './random';
import { fieldPaths, sampleValue, type JsonSchema, type KnownValues } from './sample';
import { ALWAYS_FIELD, ALWAYS_PATH, ALWAYS_QUERY, FIELD_VALUES, PATH_VALUES, QUERY_VALUES } from './values';

/** One operation of the OpenAPI document, as the fuzzer needs it. */
export interface Operation {
  method: string;
  /** The document's path template, e.g. /api/v1/links/{id}. */
  path: string;
  secured: boolean;
  parameters: Array<{ name: string; in: 'path' | 'query'; required: boolean; schema: JsonSchema }>;
  body?: JsonSchema;
  /** Response schemas by status, where the document gives one. */
  responses: Record<string, JsonSchema | undefined>;
}

interface OpenApiDocument {
  components?: { schemas?: Record<string, JsonSchema> };
  paths: Record<string, Record<string, {
    security?: unknown[];
    'x-linktally-edge'?: boolean;
    parameters?: Operation['parameters'];
    requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
    responses?: Record<string, { content?: Record<string, { schema?: JsonSchema }> }>;
  }>>;
}

const COMPONENT = '#/components/schemas/';

/** Each `$ref` to a named schema (not to a header) replaced by the schema itself (what stands beside the `$ref` kept): the fuzzer reads whole schemas. */
function resolved<T>(node: T, schemas: Record<string, JsonSchema>): T {
  if (Array.isArray(node)) return node.map((n: unknown) => resolved(n, schemas)) as T;
  if (!node || typeof node !== 'object') return node;
  const { $ref, ...rest } = node as Record<string, unknown>;
  const out = Object.fromEntries(Object.entries(rest).map(([key, value]) => [key, resolved(value, schemas)]));
  if (typeof $ref !== 'string' || !$ref.startsWith(COMPONENT)) return ($ref === undefined ? out : { $ref, ...out }) as T;
  const target = schemas[$ref.slice(COMPONENT.length)];
  if (!target) throw new Error(`The document refers to ${$ref}, which it does not hold`);
  return { ...resolved(target, schemas), ...out } as T;
}

export function operationsOf(document: OpenApiDocument): Operation[] {
  const doc = { paths: resolved(document.paths, document.components?.schemas ?? {}) };
  const out: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      // The public edge answers with redirects, pages, packs and SVG: no JSON envelope to check.
      if (op['x-linktally-edge']) continue;
      out.push({
        method: method.toUpperCase(),
        path,
        secured: (op.security ?? [{}]).length > 0,
        parameters: op.parameters ?? [],
        body: op.requestBody?.content?.['application/json']?.schema,
        responses: Object.fromEntries(Object.entries(op.responses ?? {}).map(([status, r]) => [status, r.content?.['application/json']?.schema])),
      });
    }
  }
  return out;
}

/** One request to send: the URL is a path with its query, already encoded. */
export interface FuzzRequest {
  label: string;
  method: string;
  url: string;
  /** true: send the account's valid token; false: only what `headers` says (no token, or a bad one). */
  validToken: boolean;
  headers: Record<string, string>;
  body?: string;
  /** It carries a character the shared text rule refuses in every field: any 2xx is a miss. */
  mustRefuse: boolean;
}

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Authorization headers that must not get in: none, a well-formed unknown token, malformed ones. */
function badAuthorizations(random: Random): Array<[string, Record<string, string>]> {
  const unknown = Array.from({ length: 32 }, () => random.pick([...BASE62])).join('');
  return [
    ['no token', {}],
    ['an unknown token', { authorization: `Bearer pk_live_${unknown}` }],
    ['an oversized token', { authorization: `Bearer pk_live_${'x'.repeat(4000)}` }],
    ['an empty bearer', { authorization: 'Bearer ' }],
    ['basic credentials', { authorization: 'Basic Zm9vOmJhcg==' }],
  ];
}

type Json = Record<string, unknown>;

function setAt(target: Json, path: Array<string | number>, value: unknown, remove: boolean): Json {
  const copy = structuredClone(target);
  let node: Record<string | number, unknown> = copy;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    node[key] = next !== null && typeof next === 'object' ? next : typeof key === 'number' ? [] : {};
    node = node[key] as Record<string | number, unknown>;
  }
  const last = path[path.length - 1] as string | number;
  if (remove) delete node[last];
  else node[last] = value;
  return copy;
}

function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** The parts of a request the fuzzer varies one at a time around a sampled valid base. */
export interface Base {
  path: Record<string, string>;
  query: Record<string, string>;
  body?: Json;
}

export function sampleBase(op: Operation, random: Random, known: KnownValues, optional = 0.6): Base {
  const path: Record<string, string> = {};
  const query: Record<string, string> = {};
  for (const p of op.parameters) {
    const segment = op.path.split(`{${p.name}}`)[0]?.split('/').filter(Boolean).pop();
    const value = sampleValue(p.schema, p.name, random, {}, known.params[`${segment}/${p.name}`] ?? known.params[p.name]);
    if (p.in === 'path') path[p.name] = encodeURIComponent(String(value));
    else if (p.required || random.chance(optional)) query[p.name] = encodeURIComponent(String(value));
  }
  const body = op.body ? (sampleValue(op.body, 'body', random, known.fields, undefined, { optional }) as Json) : undefined;
  return { path, query, body };
}

function urlOf(op: Operation, base: Base, query: Array<[string, string]> = Object.entries(base.query)): string {
  const path = op.path.replace(/\{([^}]+)\}/g, (_, name: string) => base.path[name] ?? 'x');
  const search = query.map(([k, v]) => `${k}=${v}`).join('&');
  return search ? `${path}?${search}` : path;
}

const JSON_TYPE = { 'content-type': 'application/json' };

/**
 * What the shared text rule refuses in every field, one-line or not (SPEC: no control character
 * but the line breaks of multi-line text, no lone surrogate). Restated here, not imported.
 */
const REFUSED_EVERYWHERE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]|\p{Cs}/u;

function refusedEverywhere(value: string | undefined): boolean {
  return value !== undefined && REFUSED_EVERYWHERE.test(value);
}

function safeDecode(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

/** The base request itself, with a valid token. */
export function baseRequest(op: Operation, base: Base): FuzzRequest {
  return { label: `${op.method} ${op.path} as sampled`, method: op.method, url: urlOf(op, base), validToken: true, headers: op.body ? JSON_TYPE : {}, body: op.body ? JSON.stringify(base.body) : undefined, mustRefuse: false };
}

/**
 * The requests for one operation, one change at a time to its base — each field, query
 * parameter and path segment set to sampled bad values or left out, extra fields, whole bodies
 * that are not the object asked for, bad JSON and wrong content types, and the base with no
 * token, a wrong one and malformed Authorization headers.
 */
export function planRequests(op: Operation, base: Base, random: Random, perField = 2): FuzzRequest[] {
  const out: FuzzRequest[] = [];
  const bodyText = (body: unknown) => (op.body ? JSON.stringify(body) : undefined);
  const add = (label: string, url: string, body: string | undefined, headers: Record<string, string> = op.body ? JSON_TYPE : {}, validToken = true) => {
    out.push({ label: `${op.method} ${op.path} ${label}`, method: op.method, url, validToken, headers, body, mustRefuse: false });
  };
  const refused = () => {
    (out[out.length - 1] as FuzzRequest).mustRefuse = true;
  };

  if (op.secured) {
    for (const [what, auth] of badAuthorizations(random)) add(`with ${what}`, urlOf(op, base), bodyText(base.body), { ...(op.body ? JSON_TYPE : {}), ...auth }, false);
    if (op.body) add('with bad JSON and no token', urlOf(op, base), '{"a": ', JSON_TYPE, false);
  }

  for (const p of op.parameters) {
    const values = [...new Set([...(p.in === 'path' ? ALWAYS_PATH : ALWAYS_QUERY), ...random.sample(p.in === 'path' ? PATH_VALUES : QUERY_VALUES, perField)])];
    for (const raw of values) {
      if (p.in === 'path') add(`path ${p.name}=${raw.slice(0, 20)}`, urlOf(op, { ...base, path: { ...base.path, [p.name]: raw } }), bodyText(base.body));
      else add(`query ${p.name}=${raw.slice(0, 20)}`, urlOf(op, base, [...Object.entries({ ...base.query, [p.name]: raw })]), bodyText(base.body));
      if (refusedEverywhere(safeDecode(raw))) refused();
    }
    if (p.in === 'query') {
      add(`query ${p.name} twice`, urlOf(op, base, [...Object.entries(base.query), [p.name, '1'], [p.name, '2']]), bodyText(base.body));
      add(`query ${p.name} left out`, urlOf(op, base, Object.entries(base.query).filter(([k]) => k !== p.name)), bodyText(base.body));
    }
  }
  add('with an unknown query parameter', urlOf(op, base, [...Object.entries(base.query), ['fuzz_extra', '1'], ['__proto__', 'x']]), bodyText(base.body));

  if (op.body && base.body) {
    const url = urlOf(op, base);
    for (const { path, schema } of fieldPaths(op.body)) {
      const name = path.join('.');
      add(`body ${name} left out`, url, JSON.stringify(setAt(base.body, path, undefined, true)));
      const values = [...ALWAYS_FIELD, ...random.sample(FIELD_VALUES.filter((v) => !ALWAYS_FIELD.includes(v as string)), perField)];
      for (const value of values) {
        add(`body ${name}=${describe(value)}`, url, JSON.stringify(setAt(base.body, path, value, false)));
        if (typeof value === 'string' && refusedEverywhere(value)) refused();
      }
      if (schema.properties) add(`body ${name} with an extra field`, url, JSON.stringify(setAt(base.body, [...path, 'fuzz_extra'], 'x', false)));
    }
    add('body with an extra field', url, JSON.stringify({ ...base.body, fuzz_extra: { a: [1, 2] } }));
    for (const whole of ['{}', '[]', 'null', '"text"', '42', 'true', '{"a": ', '{"a": 1}}', '\u0000', '']) add(`body ${describe(whole)}`, url, whole);
    add('body as text/plain', url, JSON.stringify(base.body), { 'content-type': 'text/plain' });
    add('body as a form', url, 'a=1&b=2', { 'content-type': 'application/x-www-form-urlencoded' });
    add('body with no content type', url, JSON.stringify(base.body), {});
    add('body in an unknown charset', url, JSON.stringify(base.body), { 'content-type': 'application/json; charset=ebcdic' });
    // Past the usual 1 MB limit (the bulk import's own is larger: there it is just a large body).
    add('body over the size limit', url, JSON.stringify({ ...base.body, fuzz_extra: 'A'.repeat(1100 * 1024) }));
  }
  return out;
}
