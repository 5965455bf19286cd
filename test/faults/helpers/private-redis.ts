import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '../../helpers/wait';

/**
 * A redis-server of the fault suite's own on a free port, with an append-only file in a temporary
 * directory: stopping it (SIGTERM, which writes the file) and starting it again keeps the queued
 * jobs, as a production Redis with persistence does.
 */
export interface PrivateRedis {
  port: number;
  url: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  destroy(): Promise<void>;
}

export function createPrivateRedis(port: number): PrivateRedis {
  const dir = mkdtempSync(join(tmpdir(), 'linktally-faults-redis-'));
  let server: ChildProcess | undefined;
  const url = `redis://127.0.0.1:${port}`;
  const stop = async () => {
    const current = server;
    if (!current || current.exitCode !== null) return;
    const exited = new Promise((resolve) => current.once('exit', resolve));
    current.kill('SIGTERM');
    await exited;
    server = undefined;
  };
  return {
    port,
    url,
    async start() {
      server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', '', '--daemonize', 'no'], { stdio: 'ignore' });
      // PONG only once the append-only file is loaded (LOADING errors before that).
      await waitFor(() => execFileSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() === 'PONG', { timeoutMs: 20_000, intervalMs: 100, what: 'private redis-server' });
    },
    stop,
    async destroy() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
