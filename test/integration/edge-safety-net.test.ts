import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { getOrReset } from '../helpers/http';
import { waitFor } from '../helpers/wait';

const FIXTURE = join(__dirname, '../fixtures/leaky-edge.ts');

interface Child {
  process: ChildProcess;
  port: number;
  stdout: string[];
}

async function startLeakyEdge(env: Record<string, string> = {}): Promise<Child> {
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', FIXTURE], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const stdout: string[] = [];
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`fixture exited with ${code}`)));
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      for (const line of chunk.split('\n').filter(Boolean)) {
        if (/^\d+$/.test(line)) resolve(Number(line));
        else stdout.push(line);
      }
    });
  });
  return { process: child, port, stdout };
}


const get = (port: number, path: string) => getOrReset(`http://127.0.0.1:${port}${path}`);

describe('The web process safety net (errors that escape the edge guards)', () => {
  let edge: Child;
  before(async () => {
    edge = await startLeakyEdge();
  });
  after(() => {
    edge.process.kill('SIGKILL');
  });

  const logged = (path: string) => edge.stdout.map((l) => JSON.parse(l) as { msg: string; path: string }).filter((l) => l.msg === 'edge request failed' && l.path === path);

  for (const [code, what] of [['timer', 'a throw in a timer callback'], ['floating', 'an unhandled rejection (a non-ASCII Location in a promise nobody returned)']]) {
    it(`answers ${what} with the error page, logs it once and keeps serving`, async () => {
      const res = await get(edge.port, `/${code}`);
      assert.ok('status' in res, 'answered, not reset');
      assert.equal(res.status, 500);
      assert.match(res.body, /Something went wrong/);
      assert.deepEqual(await get(edge.port, '/api/v1/anything'), { status: 200, body: 'ok' });
      await waitFor(() => logged(`/${code}`).length > 0, { what: 'the log line' });
      assert.equal(logged(`/${code}`).length, 1);
    });
  }

  it('resets a request that fails after its headers went out, and keeps serving', async () => {
    assert.deepEqual(await get(edge.port, '/halfway'), { reset: true });
    assert.deepEqual(await get(edge.port, '/api/v1/anything'), { status: 200, body: 'ok' });
    assert.equal(edge.process.exitCode, null);
  });

  it('still exits on an error that belongs to no request', async () => {
    const outside = await startLeakyEdge({ FAIL_OUTSIDE_A_REQUEST: '1' });
    const [code] = (await once(outside.process, 'exit')) as [number];
    assert.equal(code, 1);
    assert.ok(outside.stdout.some((l) => l.includes('uncaught error outside any request')), outside.stdout.join('\n'));
  });
});
