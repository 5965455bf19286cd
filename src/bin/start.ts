import { spawn, type ChildProcess } from 'node:child_process';
import { setPriority } from 'node:os';
import { join } from 'node:path';
import { isReadyMessage, processLogger, settingsOrExit, type ReadyMessage } from './lifecycle';
import { isWebLoadMessage } from '../lib/web-load';

/**
 * `npm start`: a small supervisor for a local run. It applies migrations (the release
 * process), then runs the web process (itself WEB_CONCURRENCY processes sharing the port) and
 * the worker process as separate OS processes, so enrichment never shares an event loop with
 * the redirect. A child that crashes is restarted with a growing pause; SIGTERM or Ctrl-C is
 * forwarded as SIGTERM and the supervisor exits once both have stopped (a second Ctrl-C kills).
 * It passes the web process's load readings to the worker, which holds back ingest while the
 * web is saturated (workers/yield-to-web.ts).
 */

const settings = settingsOrExit();
const logger = processLogger(settings, 'start');
// Compiled (npm start) or under tsx (npm run dev, tests): the children run the same way this process does.
const extension = __filename.endsWith('.ts') ? '.ts' : '.js';
const script = (name: string) => join(__dirname, `${name}${extension}`);
const MIN_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 30_000;
/** A child that ran this long before dying is restarted at once again. */
const HEALTHY_MS = 60_000;

interface Child {
  name: 'web' | 'worker';
  process?: ChildProcess;
  backoffMs: number;
  startedAt: number;
  restart?: NodeJS.Timeout;
}

let stopping = false;
const ready = new Map<string, ReadyMessage>();
const children: Child[] = [
  { name: 'web', backoffMs: MIN_BACKOFF_MS, startedAt: 0 },
  { name: 'worker', backoffMs: MIN_BACKOFF_MS, startedAt: 0 },
];

function run(name: string, onMessage?: (message: unknown) => void): ChildProcess {
  // The web process is sized to leave the worker, PostgreSQL and Redis a core (config.ts: webConcurrencyBesideWorkers).
  const env = name === 'web' ? { ...process.env, WEB_CONCURRENCY: String(settings.webConcurrencyBesideWorkers) } : process.env;
  // Own process group: a terminal's Ctrl-C reaches only the supervisor, which stops the children in order.
  const child = spawn(process.execPath, [...process.execArgv, script(name)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], detached: true, env });
  if (name === 'worker' && child.pid !== undefined) lowerPriority(child.pid);
  if (onMessage) child.on('message', onMessage);
  return child;
}

/** The worker yields the CPU to the redirect (config.ts: workerNice); a platform that refuses keeps it equal. */
function lowerPriority(pid: number): void {
  try {
    setPriority(pid, settings.workerNice);
  } catch (err) {
    logger.warn({ category: 'start', err: (err as Error).message }, 'could not lower the worker process priority; it shares the CPU equally');
  }
}

function announce(): void {
  const web = ready.get('web');
  const worker = ready.get('worker');
  if (!web || !worker || web.ready !== 'web' || worker.ready !== 'worker') return;
  const url = process.env.PUBLIC_BASE_URL ?? `http://localhost:${web.port}`;
  logger.info(
    { category: 'start', url, webProcesses: web.processes, queues: worker.queues },
    `Linktally is serving ${url} (${web.processes} web process${web.processes === 1 ? '' : 'es'}); workers running on ${worker.queues.length} queues`,
  );
}

function start(child: Child): void {
  child.startedAt = Date.now();
  const proc = run(child.name, (message) => {
    if (isWebLoadMessage(message)) {
      const worker = children.find((c) => c.name === 'worker')?.process;
      if (worker?.connected) worker.send(message);
    } else if (isReadyMessage(message)) {
      ready.set(child.name, message);
      announce();
    }
  });
  child.process = proc;
  proc.on('exit', (code, signal) => {
    child.process = undefined;
    ready.delete(child.name);
    if (stopping) return maybeExit();
    if (Date.now() - child.startedAt > HEALTHY_MS) child.backoffMs = MIN_BACKOFF_MS;
    logger.error({ category: 'start', child: child.name, code, signal, restartInMs: child.backoffMs }, `${child.name} exited; restarting`);
    child.restart = setTimeout(() => start(child), child.backoffMs);
    child.backoffMs = Math.min(child.backoffMs * 2, MAX_BACKOFF_MS);
  });
}

function maybeExit(): void {
  if (children.every((c) => !c.process)) {
    logger.info({ category: 'start' }, 'stopped');
    process.exit(0);
  }
}

function stop(signal: NodeJS.Signals): void {
  if (stopping) {
    if (signal === 'SIGTERM') return;
    for (const c of children) c.process?.kill('SIGKILL');
    process.exit(1);
  }
  stopping = true;
  logger.info({ category: 'start', signal }, 'stopping web and workers');
  for (const c of children) {
    clearTimeout(c.restart);
    c.process?.kill('SIGTERM');
  }
  maybeExit();
}

process.on('SIGTERM', stop);
process.on('SIGINT', stop);

const release = run('release');
release.on('exit', (code) => {
  if (code !== 0) {
    logger.error({ category: 'start', code }, 'release (migrations) failed; not starting');
    process.exit(1);
  }
  if (stopping) process.exit(0);
  for (const c of children) start(c);
});
