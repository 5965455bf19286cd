import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createDb, type Db } from '../../src/db/knex';
import { instanceSecret } from '../../src/db/instance-secret-store';
import { keyedHash } from '../../src/lib/secrets';
import { waitFor } from '../helpers/wait';

const ROOT = join(__dirname, '../..');

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** One entry point of src/bin as its own process, with APP_SECRET unset and this run's database. */
function startBin(entry: string, env: Record<string, string>): Started {
  const { APP_SECRET: _unset, ...inherited } = process.env;
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', join(ROOT, 'src/bin', entry)], {
    cwd: ROOT,
    env: { ...inherited, PORT: '0', LOG_LEVEL: 'warn', REDIS_PREFIX: `${process.env.REDIS_PREFIX}_boot`, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout?.on('data', (c: Buffer) => (text += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (text += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => text, exited };
}

async function stopBin(started: Started): Promise<void> {
  if (started.child.exitCode === null && started.child.signalCode === null) started.child.kill('SIGTERM');
  await started.exited;
}

function notice(output: string): { created: boolean; check: string } | undefined {
  const line = output.split('\n').find((l) => l.includes('APP_SECRET is not set'));
  return line ? (JSON.parse(line) as { created: boolean; check: string }) : undefined;
}

describe('The instance secret used when APP_SECRET is not set', () => {
  let db: Db;
  before(() => {
    db = createDb(process.env.DATABASE_URL as string, { max: 2 });
  });
  after(() => db.destroy());
  beforeEach(() => db('instance_secrets').del());

  it('is generated once by web and worker starting at the same moment, and both use it', async function () {
    this.timeout(60_000);
    const processes = [startBin('web.ts', { NODE_ENV: 'development' }), startBin('worker.ts', { NODE_ENV: 'development' })];
    try {
      const notices = await waitFor(() => {
        const found = processes.map((p) => notice(p.output()));
        return found.every((n) => n !== undefined) ? (found as Array<{ created: boolean; check: string }>) : undefined;
      }, { timeoutMs: 45_000, what: 'both processes to say which secret they use' });
      const rows = await db('instance_secrets').select('app_secret');
      assert.equal(rows.length, 1);
      const expected = keyedHash(rows[0].app_secret, 'instance-secret-check', '').slice(0, 12);
      assert.deepEqual(notices.map((n) => n.check), [expected, expected], 'web and worker hold the stored secret');
      assert.equal(notices.filter((n) => n.created).length, 1, 'exactly one of them generated it');
      for (const p of processes) assert.ok(!p.output().includes(rows[0].app_secret), 'the secret itself is never printed');
    } finally {
      await Promise.all(processes.map(stopBin));
    }
  });

  it('is the same for every one of many simultaneous first starts', async () => {
    const pools = Array.from({ length: 6 }, () => createDb(process.env.DATABASE_URL as string, { max: 1 }));
    try {
      const answers = await Promise.all(pools.map((pool) => instanceSecret(pool)));
      assert.equal(new Set(answers.map((a) => a.secret)).size, 1);
      assert.equal(answers.filter((a) => a.created).length, 1);
      assert.ok((answers[0]?.secret.length ?? 0) >= 32);
    } finally {
      await Promise.all(pools.map((pool) => pool.destroy()));
    }
  });

  it('is never used in production: web refuses to start without an explicit APP_SECRET', async function () {
    this.timeout(30_000);
    const web = startBin('web.ts', { NODE_ENV: 'production' });
    assert.equal(await web.exited, 78);
    assert.match(web.output(), /APP_SECRET is required in production/);
    assert.equal((await db('instance_secrets').count({ n: '*' }))[0]?.n, 0, 'nothing was generated');
  });
});
