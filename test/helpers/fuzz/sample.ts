import { randomUUID } from 'node:crypto';
import type { Random } from './random';

/** The part of JSON Schema (draft 2020-12) the OpenAPI document uses. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  default?: unknown;
}

/**
 * Values that name real things in the stack (ids, slugs, tokens), so sampled requests reach
 * past "not found" into the handlers. Path parameters are looked up as "segment/name" (the path
 * segment before the parameter: links/id, collections/slug), then by name; body fields by name.
 */
export interface KnownValues {
  params: Record<string, Array<string | number>>;
  fields: Record<string, Array<string | number>>;
}

type Known = Array<string | number> | undefined;

/** Generic strings tried against a pattern before giving up on it. */
const PATTERN_CANDIDATES = ['1', '42', 'true', 'false', 'USD', 'json', 'csv', 'abc', 'fuzz-1', '2026-01-01T00:00:00Z', '2026-01-01'];

/** Plain strings whose meaning only the name tells: give them a value that can pass. */
function hintedString(name: string, random: Random): string | undefined {
  if (/url$/i.test(name)) return 'https://github.com/fuzz/repo.git';
  if (/email$/i.test(name)) return `fuzz${random.below(1_000_000)}@example.com`;
  if (name === 'csv') return 'destination_url,title,tags\nhttps://example.com/a,A,"x,y"\nhttps://example.com/b,B,\n';
  if (name === 'ip') return '203.0.113.9';
  if (name === 'ua') return 'Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0';
  return undefined;
}

function fits(schema: JsonSchema, value: string): boolean {
  if (schema.minLength !== undefined && value.length < schema.minLength) return false;
  if (schema.maxLength !== undefined && value.length > schema.maxLength) return false;
  return schema.pattern === undefined || new RegExp(schema.pattern, 'u').test(value);
}

function branches(schema: JsonSchema): JsonSchema[] | undefined {
  return schema.anyOf ?? schema.oneOf;
}

export function typesOf(schema: JsonSchema): string[] {
  if (schema.type) return Array.isArray(schema.type) ? schema.type : [schema.type];
  const list = branches(schema);
  if (list) return list.flatMap(typesOf);
  return [];
}

function sampleString(schema: JsonSchema, name: string, random: Random): string {
  if (schema.format === 'uuid') return randomUUID();
  if (schema.format === 'date-time' || /_(at|after|before)$/.test(name)) return new Date(Date.now() + (1 + random.below(30)) * 86_400_000).toISOString();
  const hinted = hintedString(name, random);
  if (hinted !== undefined && fits(schema, hinted)) return hinted;
  const generic = PATTERN_CANDIDATES.filter((v) => fits(schema, v));
  if (schema.pattern !== undefined) return generic.length > 0 ? random.pick(generic) : 'fuzz';
  const plain = `fuzz-${random.below(1_000_000)}`;
  return plain.slice(0, schema.maxLength ?? plain.length).padEnd(schema.minLength ?? 0, 'x');
}

function sampleNumber(schema: JsonSchema, integer: boolean, random: Random): number {
  const low = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : 0);
  const high = Math.min(schema.maximum ?? low + 100, low + 100);
  const value = low + random.next() * (high - low);
  return integer ? Math.floor(value) : Math.round(value * 100) / 100;
}

/**
 * A value the schema should accept, or close to one: required properties always, optional ones
 * often; the first non-null branch of a union. It need not pass every rule (the API's own
 * checks are richer than the document): it is the base the fuzzer mutates one field of.
 */
export interface SampleOptions {
  /** How often an optional property is included (required ones always are). */
  optional: number;
}

export function sampleValue(schema: JsonSchema, name: string, random: Random, known: Record<string, Known>, candidates: Known = known[name], options: SampleOptions = { optional: 0.6 }): unknown {
  if (candidates && candidates.length > 0) return random.pick(candidates);
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return random.pick(schema.enum);
  const list = branches(schema);
  if (list) {
    const usable = list.filter((b) => !typesOf(b).every((t) => t === 'null'));
    return sampleValue(usable.length > 0 ? random.pick(usable) : (list[0] as JsonSchema), name, random, known, [], options);
  }
  if (schema.allOf?.[0]) return sampleValue(schema.allOf[0], name, random, known, [], options);
  const type = typesOf(schema).find((t) => t !== 'null');
  switch (type) {
    case 'string':
      return sampleString(schema, name, random);
    case 'integer':
    case 'number':
      return sampleNumber(schema, type === 'integer', random);
    case 'boolean':
      return random.chance(0.5);
    case 'array': {
      const count = Math.max(schema.minItems ?? 0, Math.min(schema.maxItems ?? 2, 1 + random.below(2)));
      return Array.from({ length: count }, () => sampleValue(schema.items ?? {}, name, random, known, known[name], options));
    }
    case 'object': {
      const required = new Set(schema.required ?? []);
      const out: Record<string, unknown> = {};
      for (const [key, property] of Object.entries(schema.properties ?? {})) {
        if (required.has(key) || random.chance(options.optional)) out[key] = sampleValue(property, key, random, known, known[key], options);
      }
      return out;
    }
    default:
      // An unconstrained value ({}): anything a client might send.
      return 'fuzz';
  }
}

/** Every field of an object schema, nested objects included, as property paths (arrays: their first item). */
export function fieldPaths(schema: JsonSchema, prefix: Array<string | number> = []): Array<{ path: Array<string | number>; schema: JsonSchema }> {
  const out: Array<{ path: Array<string | number>; schema: JsonSchema }> = [];
  const list = branches(schema);
  const objectSchema = list ? list.find((b) => typesOf(b).includes('object')) ?? schema : schema;
  for (const [key, property] of Object.entries(objectSchema.properties ?? {})) {
    const path = [...prefix, key];
    out.push({ path, schema: property });
    const inner = branches(property)?.find((b) => b.properties || b.items) ?? property;
    if (inner.properties) out.push(...fieldPaths(inner, path));
    if (inner.items?.properties) out.push(...fieldPaths(inner.items, [...path, 0]));
    else if (inner.items) out.push({ path: [...path, 0], schema: inner.items });
  }
  return out;
}
