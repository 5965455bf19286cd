import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import { setJobWaitBound } from '../../src/domain/jobs/wait';
import { createAccount, type TestAccount } from '../helpers/accounts';
import { answerProblem, type Answer } from '../helpers/fuzz/envelope';
import { baseRequest, operationsOf, planRequests, sampleBase, type Base, type FuzzRequest, type Operation } from '../helpers/fuzz/plan';
import { Random } from '../helpers/fuzz/random';
import type { KnownValues } from '../helpers/fuzz/sample';
import { request } from '../helpers/http';
import { useStack } from '../helpers/use-stack';
import { drainQueues } from '../helpers/wait';
import type { Stack } from '../helpers/stack';

/**
 * Walks /api/v1/openapi.json and sends every operation wrong types, missing and extra fields,
 * huge strings, control characters, lone surrogates, unicode, odd numbers, bad JSON, wrong
 * content types, and no, wrong or malformed tokens; with a valid token of an enterprise user
 * holding every scope (an administrator too), the mutated bodies, queries and paths. Every answer must be below 500
 * and in its surface's envelope. Driven by the document, so an endpoint added later is fuzzed
 * without touching this file. Values are sampled from a seeded generator (FUZZ_SEED to try
 * another sample), a few per field, so a run stays within about half a minute. A request that
 * carries a control character or lone surrogate must also be refused (never a 2xx). FUZZ_DEBUG=1
 * prints the answer to each operation's base request (to see how far the samples get).
 */

const SEED = Number(process.env.FUZZ_SEED ?? 20261201);
const CONCURRENCY = 4;
const JOB_WAIT_MS = 2000;
/** Each try samples a base with optional fields included this often: sparse and full bodies both get a chance. */
const BASE_OPTIONAL = [0.25, 0.5, 0.75, 0.25, 1];

/** Real things of the operation's account, named as the document names its parameters and fields. */
async function makeFixtures(stack: Stack, account: TestAccount, op: Operation, n: number): Promise<KnownValues> {
  // Slugs are unique across users: one set per operation.
  const [kit, pkg] = [`kit-${n}`, `pkg-${n}`];
  const post = async (path: string, json: unknown) => {
    const res = await request(stack.url(path), { method: 'POST', headers: account.auth, json });
    assert.ok(res.status === 201 || res.status === 200, `fixture ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const collection = await post('/api/v1/collections', { name: 'Fuzz kit', slug: kit });
  const { link } = await post('/api/v1/links', { link: { destination_url: 'https://example.com/landing', collection_id: collection.id } });
  const { variant } = await post(`/api/v1/links/${link.id}/variants`, { variant: { name: 'B', destination_url: 'https://example.com/b' } });
  const { conversion_goal: goal } = await post('/api/v1/conversion_goals', { conversion_goal: { name: 'Purchase' } });
  await post('/api/v1/packages', { git_url: 'https://github.com/fuzz/repo.git', slug: pkg });
  await post(`/api/v1/collections/${kit}/packages`, { packageId: pkg });
  // A real image for the QR logo upload, and a logo in place so reading and removing it succeed.
  const logo = `data:image/png;base64,${PNG.sync.write(new PNG({ width: 16, height: 16 })).toString('base64')}`;
  if (op.path.includes('/qr_logo')) {
    const res = await request(stack.url('/api/v1/settings/qr_logo'), { method: 'PUT', headers: account.auth, json: { image: logo } });
    assert.equal(res.status, 200, `fixture qr_logo: ${JSON.stringify(res.body)}`);
  }
  const jobIds: string[] = [];
  if (op.path.includes('/jobs')) {
    // Not waiting for the jobs: the 202 names them; the workers finish them meanwhile.
    setJobWaitBound(stack.services, 0);
    for (const path of ['/api/v1/links/export', `/api/v1/packages/${pkg}/export`]) {
      const started = await request(stack.url(path), { headers: account.auth });
      assert.equal(started.status, 202, `fixture ${path}: ${JSON.stringify(started.body)}`);
      jobIds.push(started.body.job_id);
    }
    setJobWaitBound(stack.services, JOB_WAIT_MS);
    await drainQueues(stack.services);
  }
  return {
    params: {
      'links/id': [link.id],
      'conversion_goals/id': [goal.id],
      'jobs/id': jobIds,
      link_id: [link.id],
      variant_id: [variant.id],
      'collections/slug': [kit, collection.id],
      'packages/slug': [pkg],
      packageId: [pkg],
      token: [goal.postback_token],
    },
    fields: { collection_id: [collection.id], packageId: [pkg], image: [logo] },
  };
}

interface Finding {
  label: string;
  problem: string;
  status: number;
  body: string;
}

async function send(stack: Stack, req: FuzzRequest, account: TestAccount): Promise<Answer> {
  const headers = req.validToken ? { ...req.headers, ...account.auth } : req.headers;
  // A Buffer, so fetch adds no content type of its own: the request says exactly what the plan says.
  const body = req.body === undefined || req.method === 'GET' ? undefined : Buffer.from(req.body);
  const res = await fetch(stack.url(req.url), { method: req.method, headers, body, redirect: 'manual' });
  const contentType = res.headers.get('content-type') ?? '';
  // An event stream (GET /api/v1/live) never ends: its status and type are the answer.
  if (contentType.startsWith('text/event-stream')) {
    await res.body?.cancel();
    return { status: res.status, contentType, text: '' };
  }
  return { status: res.status, contentType, text: await res.text() };
}

function flagsSuccess(op: Operation, status: number): boolean {
  const schema = op.responses[String(status)];
  return Boolean(schema?.properties?.success);
}

describe('The API under fuzzing, driven by its OpenAPI document', () => {
  const { stack } = useStack({ workers: true });

  before(() => setJobWaitBound(stack.services, JOB_WAIT_MS));

  it('answers every mutated request to every documented operation below 500 and in its surface’s envelope', async function () {
    this.timeout(180_000);
    const doc = await request(stack.url('/api/v1/openapi.json'));
    assert.equal(doc.status, 200);
    const operations = operationsOf(doc.body);
    assert.ok(operations.length >= 40, `only ${operations.length} operations in the document`);

    const random = new Random(SEED);
    const findings: Finding[] = [];
    let sent = 0;
    const check = async (op: Operation, req: FuzzRequest, account: TestAccount): Promise<Answer> => {
      const answer = await send(stack, req, account);
      sent++;
      // The path as sent: URL parsing resolves dot segments such as %2E%2E, so the surface is that path's.
      const problem = answerProblem(new URL(stack.url(req.url)).pathname, answer, flagsSuccess(op, answer.status))
        ?? (req.mustRefuse && answer.status < 400 ? 'accepted a control character or lone surrogate' : undefined);
      if (problem) findings.push({ label: req.label, problem, status: answer.status, body: answer.text.slice(0, 200) });
      return answer;
    };
    const started = Date.now();
    let accepted = 0;
    for (const [n, op] of operations.entries()) {
      const account = await createAccount(stack.services);
      // An administrator, so the admin routes are fuzzed past their 403 too.
      await stack.services.db('users').where({ id: account.user.id }).update({ is_admin: true });
      const known = await makeFixtures(stack, account, op, n);
      // Mutations go furthest around a base the API accepts: the first of a few samples that gets a 2xx.
      let base: Base | undefined;
      for (const optional of BASE_OPTIONAL) {
        if (base) break;
        const candidate = sampleBase(op, random, known, optional);
        const answer = await check(op, baseRequest(op, candidate), account);
        if (answer.status < 300) base = candidate;
        if (process.env.FUZZ_DEBUG) console.log(baseRequest(op, candidate).label, answer.status, answer.text.slice(0, 150));
      }
      if (base) accepted++;
      const queue = planRequests(op, base ?? sampleBase(op, random, known), random);
      const worker = async () => {
        for (let req = queue.shift(); req; req = queue.shift()) await check(op, req, account);
      };
      const opStarted = Date.now();
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      if (process.env.FUZZ_DEBUG) console.log(`${op.method} ${op.path}: ${Date.now() - opStarted} ms`);
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(`      fuzzed ${operations.length} operations (${accepted} around an accepted request) with ${sent} requests in ${seconds} s (FUZZ_SEED=${SEED})`);
    assert.deepEqual(findings.map((f) => `${f.label}: ${f.problem} — ${f.status} ${f.body}`), []);
    // Most operations must have been fuzzed around a request that reached their handler's success path.
    assert.ok(accepted >= operations.length * 0.75, `only ${accepted} of ${operations.length} operations accepted any sampled request`);
  });
});
