import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './wait';

/**
 * PostgreSQL and Redis servers of a test's own, on free ports in a temporary directory, for what
 * the shared servers cannot show: TLS with self-signed certificates, a Redis Cluster. Start each
 * once per test file; `stop()` removes everything.
 */

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A self-signed certificate for 127.0.0.1 / localhost, as managed providers hand out. */
export function selfSignedCertificate(dir: string): { cert: string; key: string } {
  const cert = join(dir, 'server.crt');
  const key = join(dir, 'server.key');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', key, '-out', cert], { stdio: 'ignore' });
  return { cert, key };
}

export interface PrivateServer {
  port: number;
  /** The server's main process, for benchmarks that read its CPU time from /proc. */
  pid: () => number;
  url: string;
  dir: string;
  stop(): Promise<void>;
}

function postgresBin(): string {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base) ? readdirSync(base).filter((v) => existsSync(join(base, v, 'bin', 'pg_ctl'))).sort((a, b) => Number(b) - Number(a)) : [];
  if (!versions[0]) throw new Error('no PostgreSQL server binaries under /usr/lib/postgresql/*/bin');
  return join(base, versions[0], 'bin');
}

/**
 * PostgreSQL with ssl=on and a pg_hba.conf of `hostssl` lines only: a connection without TLS is
 * refused. `hba` lines go before the final `hostssl all all … trust`. initdb refuses root, so as
 * root the server runs as the postgres system user. `url` names the `linktally` database.
 * With `tls: false` (benchmarks) it is a plain `host` server instead; `settings` are more
 * `name=value` server settings (e.g. a benchmark's shared_preload_libraries=pg_stat_statements).
 */
export async function startPrivatePostgres({ tls = true, hba = [] as string[], settings = [] as string[] } = {}): Promise<PrivateServer> {
  const bin = postgresBin();
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'linktally-tls-pg-'));
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot ? { uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })), gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })) } : undefined;
  const run = (tool: string, args: string[]) => {
    const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]] : [join(bin, tool), args];
    execFileSync(file, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
  };
  const { cert, key } = selfSignedCertificate(dir);
  chmodSync(key, 0o600);
  if (owner) for (const path of [dir, cert, key]) chownSync(path, owner.uid, owner.gid);
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const hbaFile = join(data, 'pg_hba.conf');
  writeFileSync(hbaFile, [...hba, `${tls ? 'hostssl' : 'host'} all all 127.0.0.1/32 trust`, ''].join('\n'));
  if (owner) chownSync(hbaFile, owner.uid, owner.gid);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c ssl=${tls ? 'on' : 'off'} -c ssl_cert_file=${cert} -c ssl_key_file=${key} -c fsync=off -c synchronous_commit=off -c max_connections=200${settings.map((setting) => ` -c ${setting}`).join('')}`;
  run('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start']);
  return {
    port,
    dir,
    url: `postgres://postgres@127.0.0.1:${port}/linktally`,
    pid: () => Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]),
    async stop() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

function redisServer(dir: string, args: string[]): ChildProcess {
  const server = spawn('redis-server', ['--save', '', '--appendonly', 'no', '--dir', dir, ...args], { stdio: 'ignore' });
  return server;
}

async function stopServers(servers: ChildProcess[], dir: string): Promise<void> {
  await Promise.all(servers.map((s) => (s.exitCode !== null ? undefined : new Promise((resolve) => { s.once('exit', resolve); s.kill('SIGKILL'); }))));
  rmSync(dir, { recursive: true, force: true });
}

function redisCli(args: string[]): string {
  return execFileSync('redis-cli', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** redis-server on a TLS port only (no plain port), with a self-signed certificate; `url` is rediss://. */
export async function startTlsRedis(): Promise<PrivateServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'linktally-tls-redis-'));
  const { cert, key } = selfSignedCertificate(dir);
  const server = redisServer(dir, ['--port', '0', '--tls-port', String(port), '--tls-cert-file', cert, '--tls-key-file', key, '--tls-ca-cert-file', cert, '--tls-auth-clients', 'no']);
  await waitFor(() => {
    try {
      return redisCli(['--tls', '--insecure', '-p', String(port), 'ping']).trim() === 'PONG';
    } catch {
      return false;
    }
  }, { what: 'TLS redis-server' });
  return { port, dir, url: `rediss://127.0.0.1:${port}`, pid: () => server.pid ?? 0, stop: () => stopServers([server], dir) };
}

export interface PrivateCluster extends PrivateServer {
  /** The REDIS_CLUSTER_NODES value naming every master. */
  nodes: string;
}

/** Three masters with cluster-enabled yes, joined by `redis-cli --cluster create`, slots all covered. */
export async function startRedisCluster(): Promise<PrivateCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'linktally-redis-cluster-'));
  const ports = [await freePort(), await freePort(), await freePort()];
  const servers = ports.map((port) => redisServer(dir, ['--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', '5000']));
  for (const port of ports) await waitFor(() => { try { return redisCli(['-p', String(port), 'ping']).trim() === 'PONG'; } catch { return false; } }, { what: `cluster node ${port}` });
  redisCli(['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes']);
  await waitFor(() => ports.every((p) => redisCli(['-p', String(p), 'cluster', 'info']).includes('cluster_state:ok')), { timeoutMs: 20_000, what: 'cluster_state:ok' });
  const nodes = ports.map((p) => `127.0.0.1:${p}`).join(',');
  return { port: ports[0] as number, dir, nodes, pid: () => servers[0]?.pid ?? 0, url: `redis://127.0.0.1:${ports[0]}`, stop: () => stopServers(servers, dir) };
}

/** A plain redis-server of its own (benchmarks: its CPU time is the run's alone). */
export async function startPrivateRedis(): Promise<PrivateServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'linktally-redis-'));
  const server = redisServer(dir, ['--port', String(port), '--bind', '127.0.0.1']);
  await waitFor(() => { try { return redisCli(['-p', String(port), 'ping']).trim() === 'PONG'; } catch { return false; } }, { what: 'redis-server' });
  return { port, dir, url: `redis://127.0.0.1:${port}`, pid: () => server.pid ?? 0, stop: () => stopServers([server], dir) };
}
