import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';

/**
 * zod → JSON Schema for the OpenAPI document. A zod schema named with `.meta({ id: 'Link' })`
 * (on the very schema a route declares) becomes `components.schemas.Link`, and every response
 * that holds it says `$ref: '#/components/schemas/Link'`: one name per object, one source.
 */

export type JsonSchema = Record<string, unknown>;

const ZOD_DEFS = '#/$defs/';
const COMPONENTS = '#/components/schemas/';

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

function convert(schema: z.ZodType, io: 'input' | 'output'): { body: JsonSchema; defs: Record<string, JsonSchema> } {
  const { $schema: _ignored, $defs, ...body } = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  const defs = ($defs ?? {}) as Record<string, JsonSchema>;
  // zod names a schema it had to extract without an id (a cycle) __schemaN: no name a client could use.
  const unnamed = Object.keys(defs).find((id) => id.startsWith('__schema'));
  if (unnamed) throw new Error('A recursive schema in the API needs a name: give it .meta({ id })');
  return { body: tidy(body) as JsonSchema, defs: tidy(defs) as Record<string, JsonSchema> };
}

/** Each `#/$defs/X` reference, pointed at the document's components. */
function retarget(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(retarget);
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(Object.entries(node).map(([key, value]) => [
    key,
    key === '$ref' && typeof value === 'string' && value.startsWith(ZOD_DEFS) ? COMPONENTS + value.slice(ZOD_DEFS.length) : retarget(value),
  ]));
}

/** Each `#/$defs/X` reference replaced by X itself (what the reference says beside it kept). */
function inline(node: unknown, defs: Record<string, JsonSchema>): unknown {
  if (Array.isArray(node)) return node.map((n) => inline(n, defs));
  if (!node || typeof node !== 'object') return node;
  const { $ref, ...rest } = node as JsonSchema;
  const out = Object.fromEntries(Object.entries(rest).map(([key, value]) => [key, inline(value, defs)]));
  if (typeof $ref !== 'string' || !$ref.startsWith(ZOD_DEFS)) return $ref === undefined ? out : { $ref, ...out };
  return { ...(inline(defs[$ref.slice(ZOD_DEFS.length)], defs) as JsonSchema), ...out };
}

/** The named schemas met while converting, gathered into `components.schemas`. */
export class SchemaComponents {
  readonly schemas: Record<string, JsonSchema> = {};

  /** What an answer returns: named objects inside it (or the whole of it) become `$ref`s. */
  output(schema: z.ZodType): JsonSchema {
    const { body, defs } = convert(schema, 'output');
    for (const [id, def] of Object.entries(defs)) {
      const component = retarget(def) as JsonSchema;
      const known = this.schemas[id];
      if (known && !isDeepStrictEqual(known, component)) throw new Error(`Two different schemas are named ${id}`);
      this.schemas[id] = component;
    }
    return retarget(body) as JsonSchema;
  }

  /**
   * What a request sends: inlined, even where it holds a named schema. A component describes
   * what the API returns; what it accepts (defaults not yet applied, input before transforms)
   * can differ under the same name.
   */
  input(schema: z.ZodType): JsonSchema {
    const { body, defs } = convert(schema, 'input');
    return inline(body, defs) as JsonSchema;
  }

  /** A path or query schema (an object) as OpenAPI parameters, one a property. */
  parameters(schema: z.ZodType | undefined, location: 'query' | 'path'): object[] {
    if (!schema) return [];
    const json = this.input(schema);
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
}
