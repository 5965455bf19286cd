import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildApiRouter } from '../../src/api/app';
import { buildOpenApiDocument } from '../../src/api/openapi';

const run = promisify(execFile);

interface LintProblem { ruleId: string; severity: string; message: string }

describe('The OpenAPI document under @redocly/cli lint (recommended rules)', () => {
  it('has zero errors and zero warnings', async function () {
    this.timeout(60_000);
    const dir = await mkdtemp(join(tmpdir(), 'openapi-lint-'));
    try {
      // A deployment's public URL: a localhost server is itself a warning of the rules.
      const doc = buildOpenApiDocument(buildApiRouter().routes, 'https://links.linktally.dev');
      const file = join(dir, 'openapi.json');
      await writeFile(file, JSON.stringify(doc));
      // Exits non-zero on errors; the report on stdout says why either way.
      const { stdout } = await run('npx', ['redocly', 'lint', file, '--extends=recommended', '--format=json'], { cwd: process.cwd(), maxBuffer: 16 * 1024 * 1024 })
        .catch((err: { stdout?: string }) => ({ stdout: err.stdout ?? '' }));
      const json = JSON.parse(stdout.slice(stdout.indexOf('{'))) as { problems?: LintProblem[]; totals?: { errors: number; warnings: number } };
      const problems = (json.problems ?? []).map((p) => `${p.severity} ${p.ruleId}: ${p.message}`);
      assert.deepEqual(problems, []);
      assert.deepEqual({ errors: json.totals?.errors, warnings: json.totals?.warnings }, { errors: 0, warnings: 0 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('gives every operation an operationId and a tag', () => {
    const doc = buildOpenApiDocument(buildApiRouter().routes, 'https://links.linktally.dev') as { paths: Record<string, Record<string, { operationId?: string; tags?: string[] }>> };
    const ids = Object.values(doc.paths).flatMap((ops) => Object.values(ops)).map((op) => {
      assert.ok(op.tags?.length);
      return op.operationId;
    });
    assert.equal(new Set(ids).size, ids.length);
    assert.ok(ids.every((id) => typeof id === 'string' && id.length > 0));
  });

  it('documents the public edge beside the API: redirector, git proxy, badges, health and metrics', () => {
    const doc = buildOpenApiDocument(buildApiRouter().routes, 'https://links.linktally.dev') as { paths: Record<string, Record<string, { security?: unknown[] }>> };
    for (const [path, method] of [['/{code}', 'get'], ['/{slug}.git/info/refs', 'get'], ['/{slug}.git/git-upload-pack', 'post'], ['/badge/{slug}.svg', 'get'], ['/healthz', 'get'], ['/readyz', 'get'], ['/metrics', 'get'], ['/api/conversions/track/{token}', 'post']] as const) {
      assert.ok(doc.paths[path]?.[method], `${method.toUpperCase()} ${path}`);
    }
    assert.deepEqual(doc.paths['/{code}']!.get!.security, []);
  });
});
