import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * A real git smart-HTTP upstream for tests and the benchmark: a Node HTTP server that runs
 * `git http-backend` as a CGI program over bare repositories at /<owner>/<repo>.git, plus a small
 * Git LFS batch responder. Repositories under the owner "private" demand Basic credentials
 * (PRIVATE_USER:PRIVATE_PASSWORD), as a private GitHub repository would. "/slow/…" answers
 * headers and then trickles forever, to test that a client leaving aborts the upstream.
 */

export const PRIVATE_USER = 'reader';
export const PRIVATE_PASSWORD = 's3cret-token';

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

export interface GitUpstream {
  baseUrl: string;
  root: string;
  seen: SeenRequest[];
  /** The metadata worker's requests (user agent Linktally-metadata), not in `seen`. */
  metadataSeen: SeenRequest[];
  /** Requests to /slow/… whose client went away before the end. */
  slowAborted: number;
  close(): Promise<void>;
}

const GIT_ENV = { GIT_AUTHOR_NAME: 'Test', GIT_AUTHOR_EMAIL: 'test@example.com', GIT_COMMITTER_NAME: 'Test', GIT_COMMITTER_EMAIL: 'test@example.com', GIT_CONFIG_NOSYSTEM: '1', HOME: tmpdir() };

export function git(args: string[], cwd?: string, env: Record<string, string> = {}): string {
  return execFileSync('git', args, { cwd, env: { ...process.env, ...GIT_ENV, ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export const LFS_OID = createHash('sha256').update('large binary content').digest('hex');

/** A small package repository: two tags, a feature branch, a package in a subfolder and an LFS pointer. */
export function buildPackageRepo(root: string, owner: string, repo: string): string {
  const work = mkdtempSync(join(tmpdir(), 'lt-git-work-'));
  const write = (path: string, content: string) => {
    mkdirSync(dirname(join(work, path)), { recursive: true });
    writeFileSync(join(work, path), content);
  };
  git(['init', '-q', '-b', 'main'], work);
  write('README.md', '# Example package\n');
  write('Packages/com.example.package/package.json', JSON.stringify({ name: 'com.example.package', version: '1.0.0' }, null, 2));
  write('.gitattributes', '*.bin filter=lfs diff=lfs merge=lfs -text\n');
  write('Packages/com.example.package/Runtime/data.bin', `version https://git-lfs.github.com/spec/v1\noid sha256:${LFS_OID}\nsize 20\n`);
  git(['add', '-A'], work);
  git(['commit', '-q', '-m', 'First version'], work);
  git(['tag', 'v1.0.0'], work);
  write('Packages/com.example.package/package.json', JSON.stringify({ name: 'com.example.package', version: '1.1.0' }, null, 2));
  git(['commit', '-q', '-am', 'Second version'], work);
  git(['tag', '-a', '-m', 'Release 1.1.0', 'v1.1.0'], work);
  git(['branch', 'feature'], work);
  const bare = join(root, owner, `${repo}.git`);
  mkdirSync(dirname(bare), { recursive: true });
  git(['clone', '-q', '--bare', work, bare]);
  rmSync(work, { recursive: true, force: true });
  return bare;
}

function lfsBatch(req: IncomingMessage, res: ServerResponse, baseUrl: string): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    let objects: Array<{ oid: string; size: number }> = [];
    try {
      objects = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { objects?: Array<{ oid: string; size: number }> }).objects ?? [];
    } catch {
      res.writeHead(422, { 'content-type': 'application/vnd.git-lfs+json' }).end(JSON.stringify({ message: 'bad JSON' }));
      return;
    }
    const answer = { transfer: 'basic', objects: objects.map((o) => ({ oid: o.oid, size: o.size, authenticated: true, actions: { download: { href: `${baseUrl}/lfs-storage/${o.oid}`, expires_in: 3600 } } })) };
    res.writeHead(200, { 'content-type': 'application/vnd.git-lfs+json' }).end(JSON.stringify(answer));
  });
}

/** Runs git http-backend for one request: CGI environment in, CGI headers parsed, bodies streamed both ways. */
function httpBackend(req: IncomingMessage, res: ServerResponse, root: string, remoteUser: string | undefined): void {
  const url = new URL(req.url ?? '/', 'http://upstream');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    GIT_PROJECT_ROOT: root,
    GIT_HTTP_EXPORT_ALL: '1',
    GIT_CONFIG_NOSYSTEM: '1',
    HOME: tmpdir(),
    GATEWAY_INTERFACE: 'CGI/1.1',
    SERVER_PROTOCOL: 'HTTP/1.1',
    REQUEST_METHOD: req.method ?? 'GET',
    PATH_INFO: decodeURIComponent(url.pathname),
    QUERY_STRING: url.search.slice(1),
    REMOTE_ADDR: req.socket.remoteAddress ?? '',
    CONTENT_TYPE: req.headers['content-type'] ?? '',
    // As GitHub does: partial clones (--filter=blob:none) are answered, blobs fetched on demand.
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: 'uploadpack.allowFilter',
    GIT_CONFIG_VALUE_0: 'true',
  };
  if (req.headers['content-length']) env.CONTENT_LENGTH = req.headers['content-length'];
  if (req.headers['content-encoding']) env.HTTP_CONTENT_ENCODING = req.headers['content-encoding'];
  if (req.headers['git-protocol']) env.HTTP_GIT_PROTOCOL = String(req.headers['git-protocol']);
  if (remoteUser) env.REMOTE_USER = remoteUser;
  const cgi = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'ignore'] });
  req.pipe(cgi.stdin);
  cgi.stdin.on('error', () => undefined);
  res.on('close', () => {
    if (!res.writableFinished) cgi.kill();
  });

  let head = Buffer.alloc(0);
  const onData = (chunk: Buffer) => {
    head = Buffer.concat([head, chunk]);
    const text = head.toString('latin1');
    const end = text.search(/\r?\n\r?\n/);
    if (end === -1) return;
    cgi.stdout.off('data', onData);
    const separator = /\r?\n\r?\n/.exec(text.slice(end))?.[0].length ?? 2;
    let status = 200;
    const headers: Record<string, string> = {};
    for (const line of text.slice(0, end).split(/\r?\n/)) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
      else headers[name] = value;
    }
    res.writeHead(status, headers);
    res.write(head.subarray(end + separator));
    cgi.stdout.pipe(res);
  };
  cgi.stdout.on('data', onData);
  cgi.on('close', () => {
    if (!res.headersSent) res.writeHead(502).end('http-backend failed\n');
  });
}

export async function startGitUpstream(root: string): Promise<GitUpstream> {
  const seen: SeenRequest[] = [];
  const metadataSeen: SeenRequest[] = [];
  const state = { slowAborted: 0 };
  let baseUrl = '';
  const server: Server = createServer((req, res) => {
    // The metadata worker's reads (its own user agent) are kept apart, so suites that count the
    // requests the git proxy forwards see only those.
    (String(req.headers['user-agent']).startsWith('Linktally-metadata') ? metadataSeen : seen).push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path.startsWith('/slow/')) {
      res.writeHead(200, { 'content-type': 'application/x-git-upload-pack-advertisement' });
      const timer = setInterval(() => res.write('0000'), 20);
      res.on('close', () => {
        clearInterval(timer);
        state.slowAborted++;
      });
      return;
    }
    let remoteUser: string | undefined;
    if (path.startsWith('/private/')) {
      const expected = `Basic ${Buffer.from(`${PRIVATE_USER}:${PRIVATE_PASSWORD}`).toString('base64')}`;
      if (req.headers.authorization !== expected) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="upstream"', 'content-type': 'text/plain' }).end('Authentication required\n');
        req.resume();
        return;
      }
      remoteUser = PRIVATE_USER;
    }
    if (req.method === 'POST' && path.endsWith('.git/info/lfs/objects/batch')) {
      lfsBatch(req, res, baseUrl);
      return;
    }
    httpBackend(req, res, root, remoteUser);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl,
    root,
    seen,
    metadataSeen,
    get slowAborted() {
      return state.slowAborted;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** startGitUpstream over package repositories built for it in a new temporary folder, which close() also removes. */
export async function startPackageUpstream(...repos: Array<[owner: string, repo: string]>): Promise<GitUpstream> {
  const root = mkdtempSync(join(tmpdir(), 'lt-git-upstream-'));
  for (const [owner, repo] of repos) buildPackageRepo(root, owner, repo);
  const upstream = await startGitUpstream(root);
  const closeServer = upstream.close;
  upstream.close = async () => {
    await closeServer();
    rmSync(root, { recursive: true, force: true });
  };
  return upstream;
}

export interface GitRun {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs git asynchronously (the servers it talks to live in this process), never prompting for credentials. */
export function runGit(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<GitRun> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn('git', args, { cwd: options.cwd, env: { ...process.env, ...GIT_ENV, GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: '', ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr, ms: Date.now() - started }));
  });
}
