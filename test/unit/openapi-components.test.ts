import assert from 'node:assert/strict';
import { z } from 'zod';
import { buildApiRouter } from '../../src/api/app';
import { surfaceOf } from '../../src/api/errors';
import { buildOpenApiDocument } from '../../src/api/openapi';
import { SchemaComponents } from '../../src/api/openapi-schema';
import { linkObject } from '../../src/domain/links.schema';
import { packageDetail, packageListItem } from '../../src/api/packages.schema';

type Schema = Record<string, unknown>;
interface Response { description: string; headers?: Record<string, unknown>; content?: Record<string, { schema: Schema }> }
interface Operation { 'x-linktally-edge'?: boolean; 'x-required-scope'?: unknown; parameters?: Array<{ in: string }>; requestBody?: { content: Record<string, { schema: Schema }> }; responses: Record<string, Response> }
interface Document { components: { schemas: Record<string, Schema>; headers: Record<string, unknown> }; paths: Record<string, Record<string, Operation>> }

const doc = buildOpenApiDocument(buildApiRouter().routes, 'https://links.linktally.dev') as Document;
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (path: string, method: string, status: number) => doc.paths[path]![method]!.responses[status]!.content!['application/json']!.schema;
const component = (name: string) => doc.components.schemas[name]!;
const operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method, op })));

/** Every object schema written out in place (not a $ref), with where it stands. */
function inlineObjects(node: unknown, where: string, out: Array<{ where: string; text: string }>): void {
  if (Array.isArray(node)) return node.forEach((n) => inlineObjects(n, where, out));
  if (!node || typeof node !== 'object') return;
  const schema = node as Schema;
  if (schema.type === 'object' && schema.properties) out.push({ where, text: JSON.stringify(schema) });
  for (const value of Object.values(schema)) inlineObjects(value, where, out);
}

describe('The OpenAPI document\'s shared components', () => {
  it('names each object the API returns in more than one place once, in components.schemas', () => {
    for (const name of [
      'Link', 'LinkResponse', 'Pagination', 'Variant', 'TargetingRule', 'Collection', 'CollectionPackage', 'CollectionWithPackages', 'Package',
      'PackageListItem', 'PackagePage', 'PublicCollection', 'JobStatus', 'JobProgress', 'JobAccepted', 'WebhookDelivery', 'WebhookAttempt',
      'Domain', 'ConversionGoal', 'Settings', 'User', 'Session', 'ApiToken', 'AnalyticsPeriod', 'ClickMetrics', 'PvtlnkError', 'PkglnkError',
    ]) {
      assert.ok(doc.components.schemas[name], name);
    }
  });

  it('answers GET and POST /api/v1/links with the same Link, and both package surfaces with the same package objects', () => {
    const list = json('/api/v1/links', 'get', 200) as { properties: { links: { items: unknown } } };
    assert.deepEqual(list.properties.links.items, ref('Link'));
    assert.deepEqual(json('/api/v1/links', 'post', 201), ref('LinkResponse'));
    assert.deepEqual(json('/api/v1/links/{id}', 'patch', 200), ref('LinkResponse'));
    assert.deepEqual((component('LinkResponse').properties as Schema).link, ref('Link'));
    // The private list, the public directory and bookmarks: one page, one list item.
    for (const path of ['/api/v1/packages', '/api/directory', '/api/v1/bookmarks']) assert.deepEqual(json(path, 'get', 200), ref('PackagePage'), path);
    assert.deepEqual((component('PackagePage').properties as { packages: { items: unknown } }).packages.items, ref('PackageListItem'));
    const publicCollection = json('/api/collections/{slug}', 'get', 200) as { properties: { collection: unknown; packages: { items: unknown } } };
    assert.deepEqual(publicCollection.properties.collection, ref('PublicCollection'));
    assert.deepEqual(publicCollection.properties.packages.items, ref('PackageListItem'));
    for (const [path, method, status] of [['/api/v1/packages', 'post', 201], ['/api/v1/packages/{slug}', 'get', 200], ['/api/v1/packages/{slug}', 'patch', 200]] as const) {
      assert.deepEqual(json(path, method, status), ref('Package'), `${method} ${path}`);
    }
    assert.deepEqual(json('/api/v1/packages/{slug}/export/jobs/{id}', 'get', 200), ref('JobStatus'));
  });

  it('builds each component from the zod schema its routes declare', () => {
    for (const [name, schema] of [['Link', linkObject], ['PackageListItem', packageListItem], ['Package', packageDetail]] as const) {
      assert.deepEqual(Object.keys(component(name).properties as Schema), Object.keys(schema.shape), name);
    }
  });

  it('writes no response object out twice: each is a $ref or a one-off', () => {
    const seen = new Map<string, string>();
    const repeated: string[] = [];
    const objects: Array<{ where: string; text: string }> = [];
    for (const { path, method, op } of operations) {
      for (const [status, response] of Object.entries(op.responses)) inlineObjects(response.content, `${method} ${path} ${status}`, objects);
    }
    for (const [name, schema] of Object.entries(doc.components.schemas)) inlineObjects(schema.properties, `components.schemas.${name}`, objects);
    for (const { where, text } of objects) {
      const first = seen.get(text);
      if (first) repeated.push(`${where} repeats an object of ${first}`);
      seen.set(text, first ?? where);
    }
    assert.deepEqual(repeated, []);
  });

  it('refers to every component it names, and names every component it refers to', () => {
    const text = JSON.stringify(doc.paths);
    const all = JSON.stringify(doc);
    for (const name of Object.keys(doc.components.schemas)) assert.ok(all.includes(`"#/components/schemas/${name}"`), `${name} is never referred to`);
    for (const [, name] of text.matchAll(/"#\/components\/schemas\/([^"]+)"/g)) assert.ok(doc.components.schemas[name!], `${name} is referred to but missing`);
  });

  it('inlines request bodies: a named object describes what the API returns, not what it accepts', () => {
    for (const { path, method, op } of operations) {
      if (op.requestBody) assert.doesNotMatch(JSON.stringify(op.requestBody), /\$ref/, `${method} ${path}`);
    }
  });

  it('gives every API error its surface\'s envelope, and every 429 Retry-After', () => {
    for (const { path, method, op } of operations) {
      if (op['x-linktally-edge']) continue;
      const envelope = ref(surfaceOf(path.replace(/\{[^}]+\}/g, 'x')) === 'pkglnk' ? 'PkglnkError' : 'PvtlnkError');
      for (const [status, response] of Object.entries(op.responses)) {
        if (Number(status) < 400 || status === '431') continue;
        assert.deepEqual(response.content?.['application/json']?.schema, envelope, `${method} ${path} ${status}`);
        if (status === '429') assert.ok(response.headers?.['Retry-After'], `${method} ${path} 429 without Retry-After`);
      }
    }
  });

  it('documents 401, 403 and the daily 429 with X-RateLimit-* on every scoped operation, 404 on every path parameter, 422 on every body', () => {
    for (const { path, method, op } of operations) {
      if (op['x-linktally-edge']) continue;
      const statuses = Object.keys(op.responses);
      const where = `${method} ${path}`;
      if (op['x-required-scope']) {
        for (const status of ['401', '403', '429']) assert.ok(statuses.includes(status), `${where} ${status}`);
        const success = statuses.find((s) => s.startsWith('2'))!;
        assert.ok(op.responses[success]!.headers?.['X-RateLimit-Remaining'], `${where} ${success} X-RateLimit-Remaining`);
      }
      if (op.parameters?.some((p) => p.in === 'path')) assert.ok(statuses.includes('404'), `${where} 404`);
      if (op.requestBody) assert.ok(statuses.includes('422'), `${where} 422`);
    }
  });

  it('documents the per-address 429 of the public pkglnk reads and install reports, with X-RateLimit-* and Retry-After', () => {
    for (const [path, method] of [
      ['/api/directory', 'get'], ['/api/collections', 'get'], ['/api/collections/{slug}', 'get'], ['/api/check-availability', 'get'],
      ['/api/v1/install-start', 'post'], ['/api/v1/install-progress/{install_id}', 'get'],
    ] as const) {
      const responses = doc.paths[path]![method]!.responses;
      assert.deepEqual(Object.keys(responses['429']!.headers ?? {}), ['X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset', 'Retry-After'], path);
      assert.ok(responses['200']!.headers?.['X-RateLimit-Limit'], `${path} 200`);
    }
    assert.ok(doc.components.headers['Retry-After']);
  });

  it('documents the Unity editor\'s sign-in: the start page and its confirm step', () => {
    const start = doc.paths['/auth/unity-start']!.get!;
    assert.ok(start.parameters?.some((p) => (p as { name?: string }).name === 'port'));
    const confirm = doc.paths['/auth/unity-confirm']!.post!;
    const form = confirm.requestBody!.content['application/x-www-form-urlencoded']!.schema as { properties: Schema };
    assert.deepEqual(Object.keys(form.properties).sort(), ['csrf_token', 'decision', 'port']);
    assert.deepEqual(Object.keys(confirm.responses), ['302', '400', '401', '403', '413', 'default']);
  });
});

describe('SchemaComponents', () => {
  it('refuses two different schemas under one name', () => {
    const components = new SchemaComponents();
    components.output(z.object({ a: z.string() }).meta({ id: 'TestOneName' }));
    assert.throws(() => components.output(z.object({ b: z.string() }).meta({ id: 'TestOneName' })), /Two different schemas are named TestOneName/);
  });

  it('refers to a named schema from a response and inlines it in a request', () => {
    const named = z.object({ a: z.string() }).meta({ id: 'TestNamed' });
    const components = new SchemaComponents();
    assert.deepEqual(components.output(z.object({ item: named })).properties, { item: ref('TestNamed') });
    assert.deepEqual(components.input(z.object({ item: named })).properties, { item: { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] } });
    assert.deepEqual(Object.keys(components.schemas), ['TestNamed']);
  });
});
