import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { createDb, type Db } from '../../src/db/knex';
import { issueToken } from '../../src/db/token-store';
import { createUser } from '../../src/db/user-store';
import type { Plan } from '../../src/lib/plans';
import { SCOPES } from '../../src/lib/tokens';
import { deleteKeys } from '../../test/helpers/root-hooks';
import { createRunDatabase, dropRunDatabase } from '../../test/helpers/test-database';

/**
 * A real Linktally for a benchmark: its own database (cloned from the migrated template, as the
 * tests do) and Redis prefix, with web and worker as separate child processes on an ephemeral
 * port, each reporting its own memory peaks. stop() removes everything it made.
 */

export interface Peaks {
  rss: number;
  heapUsed: number;
}

export interface MeasuredProcess {
  child: ChildProcess;
  peaks(): Promise<Peaks>;
  reset(): Promise<void>;
}

export interface BenchSystem {
  db: Db;
  baseUrl: string;
  web: MeasuredProcess;
  worker: MeasuredProcess;
  token(plan: Plan): Promise<string>;
  stop(): Promise<void>;
}

const ROOT = join(__dirname, '../..');

function ask<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: { type?: string }) => {
      if (message.type !== type) return;
      child.off('message', onMessage);
      resolve(message as T);
    };
    child.on('message', onMessage);
    child.send({ type }, (err) => err && reject(err));
  });
}

function spawnMeasured(entry: 'web' | 'worker', env: NodeJS.ProcessEnv): { process: MeasuredProcess; port: Promise<number> } {
  const child = fork(join(__dirname, 'measured.ts'), [entry], {
    cwd: ROOT,
    env,
    execArgv: ['--import', 'tsx', '--expose-gc'],
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  // The web logs its port as JSON once listening; the worker logs when its workers run.
  const port = new Promise<number>((resolve, reject) => {
    let buffered = '';
    child.stdout?.on('data', (data: Buffer) => {
      buffered += data.toString();
      const match = /"msg":"web listening"/.test(buffered) && /"port":(\d+)/.exec(buffered);
      if (match) resolve(Number(match[1]));
      if (/"msg":"workers running"/.test(buffered)) resolve(0);
      if (buffered.length > 100_000) buffered = buffered.slice(-10_000);
    });
    child.once('exit', (code) => reject(new Error(`${entry} exited with ${code}`)));
  });
  return {
    process: { child, peaks: () => ask<Peaks>(child, 'peaks'), reset: async () => void (await ask(child, 'reset')) },
    port,
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await exited;
}

export async function startSystem(name: string): Promise<BenchSystem> {
  const databaseUrl = await createRunDatabase();
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = `bench_${name}_${process.pid}`;
  const env = { ...process.env, NODE_ENV: 'development', DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, REDIS_PREFIX: prefix, PORT: '0', LOG_LEVEL: 'info' };
  const web = spawnMeasured('web', env);
  const worker = spawnMeasured('worker', env);
  const port = await web.port;
  await worker.port;
  const db = createDb(databaseUrl, { max: 4 });
  return {
    db,
    baseUrl: `http://127.0.0.1:${port}`,
    web: web.process,
    worker: worker.process,
    async token(plan) {
      const user = await createUser(db, `bench-${Date.now()}@example.com`, plan);
      return (await issueToken(db, user.id, SCOPES)).token;
    },
    async stop() {
      await Promise.all([stopChild(web.process.child), stopChild(worker.process.child)]);
      await db.destroy();
      await dropRunDatabase(databaseUrl);
      const redis = new Redis(redisUrl);
      await deleteKeys(redis, `*${prefix}*`);
      redis.disconnect();
    },
  };
}

export function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * Polls a job's status URL until it has finished, as a client would. URLs are rebased on the
 * ephemeral port (PUBLIC_BASE_URL cannot name a port that is only known after listening).
 */
export async function pollJob(baseUrl: string, statusUrl: string, token: string): Promise<{ status: string; download_url: string | null; result: unknown }> {
  for (;;) {
    const res = await fetch(rebase(baseUrl, statusUrl), { headers: { authorization: `Bearer ${token}` } });
    const body = (await res.json()) as { status: string; download_url: string | null; result: unknown };
    if (body.status === 'completed' || body.status === 'failed') return body;
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function rebase(baseUrl: string, url: string): string {
  const parsed = new URL(url);
  return `${baseUrl}${parsed.pathname}${parsed.search}`;
}
