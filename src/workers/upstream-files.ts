import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Reads a package's package.json and README from its upstream repository without cloning it:
 * into an empty bare repository in a temporary folder, `git fetch --depth 1 --filter=blob:none`
 * brings the one commit and its trees but no file contents; `git cat-file` then fetches just the
 * two blobs asked for. Git runs with an argument array (no shell), no system or global config,
 * no credential prompt, http(s) only, each command under a time limit (its whole process group
 * killed past it) and each file read to a byte limit. The folder is removed whatever happens.
 */

export interface UpstreamFilesRequest {
  /** The repository's URL on its real host (lib/git-url.ts: upstreamRepoUrl). */
  repoUrl: string;
  /** Branch, tag or commit, already checked by lib/git-url.ts's rules; null: the default branch. */
  ref: string | null;
  /** The package's folder in the repository, already normalised; null: the root. */
  folder: string | null;
  timeoutMs: number;
}

export interface UpstreamFiles {
  packageJson: string | null;
  readme: string | null;
  /** The README was longer than README_MAX_BYTES and was cut there. */
  readmeTruncated: boolean;
}

export const MANIFEST_MAX_BYTES = 256 * 1024;
export const README_MAX_BYTES = 256 * 1024;

/** A failure the package's owner can act on; its message is short and names no internal detail. */
export class UpstreamFetchError extends Error {}

interface GitResult {
  code: number | null;
  stdout: Buffer;
  truncated: boolean;
  stderr: string;
  timedOut: boolean;
}

function gitEnv(home: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: '/bin/false',
    LC_ALL: 'C',
  };
}

// Named, so an upstream host can tell these reads from its users' clones; only http(s)
// transports, no credential helper, no redirect beyond the first request's.
const SAFE_CONFIG = ['-c', 'http.userAgent=Linktally-metadata git', '-c', 'protocol.allow=never', '-c', 'protocol.https.allow=always', '-c', 'protocol.http.allow=always', '-c', 'credential.helper=', '-c', 'http.followRedirects=initial', '-c', 'core.hooksPath=/dev/null'];

function runGit(dir: string, args: string[], timeoutMs: number, maxBytes = 64 * 1024): Promise<GitResult> {
  return new Promise((resolve) => {
    // Its own process group, so a timeout also ends git's transport helper.
    const child = spawn('git', [...SAFE_CONFIG, ...args], { cwd: dir, env: gitEnv(dir), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const chunks: Buffer[] = [];
    let size = 0;
    let truncated = false;
    let stderr = '';
    let timedOut = false;
    const kill = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      if (truncated) return;
      const room = maxBytes - size;
      if (chunk.length > room) {
        chunks.push(chunk.subarray(0, room));
        size = maxBytes;
        truncated = true;
        kill();
        return;
      }
      chunks.push(chunk);
      size += chunk.length;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 4096) stderr += chunk.toString('utf8');
    });
    child.on('error', (err) => {
      stderr += err.message;
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(chunks), truncated, stderr, timedOut });
    });
  });
}

/** What went wrong with the fetch, in words for the package's owner. */
function fetchFailure(result: GitResult, ref: string | null): UpstreamFetchError {
  if (result.timedOut) return new UpstreamFetchError('the upstream repository did not answer in time');
  const said = result.stderr.toLowerCase();
  if (said.includes("couldn't find remote ref") || said.includes('not our ref')) return new UpstreamFetchError(`ref "${ref ?? 'HEAD'}" not found in the upstream repository`);
  if (said.includes('authentication') || said.includes('could not read username') || said.includes('terminal prompts disabled') || said.includes('403')) {
    return new UpstreamFetchError('the upstream repository needs credentials (private)');
  }
  if (said.includes('not found') || said.includes('404')) return new UpstreamFetchError('upstream repository not found');
  return new UpstreamFetchError('could not fetch from the upstream repository');
}

const README = /^readme(?:\.md|\.markdown)?$/i;

/** The folder's package.json and README paths, from its tree (no file content is fetched for this). */
async function findFiles(dir: string, folder: string | null, timeoutMs: number): Promise<{ manifest?: string; readme?: string }> {
  const listed = await runGit(dir, ['ls-tree', '-z', '--name-only', 'FETCH_HEAD', ...(folder ? ['--', `${folder}/`] : [])], timeoutMs, 1024 * 1024);
  if (listed.code !== 0) throw new UpstreamFetchError(folder ? `folder "${folder}" not found at that ref` : 'could not read the repository tree');
  const names = listed.stdout.toString('utf8').split('\0').filter((n) => n !== '');
  const base = (name: string) => name.slice(name.lastIndexOf('/') + 1);
  const readmes = names.filter((n) => README.test(base(n)));
  return {
    manifest: names.find((n) => base(n) === 'package.json'),
    readme: readmes.find((n) => base(n) === 'README.md') ?? readmes[0],
  };
}

async function readBlob(dir: string, file: string, timeoutMs: number, maxBytes: number): Promise<{ text: string; truncated: boolean } | null> {
  const read = await runGit(dir, ['cat-file', 'blob', `FETCH_HEAD:${file}`], timeoutMs, maxBytes);
  if (read.timedOut) throw new UpstreamFetchError('the upstream repository did not answer in time');
  if (read.code !== 0 && !read.truncated) return null;
  return { text: read.stdout.toString('utf8'), truncated: read.truncated };
}

export async function fetchUpstreamFiles(request: UpstreamFilesRequest): Promise<UpstreamFiles> {
  const dir = await mkdtemp(path.join(tmpdir(), 'lt-metadata-'));
  try {
    const init = await runGit(dir, ['init', '-q', '--bare', '.'], request.timeoutMs);
    if (init.code !== 0) throw new Error(`git init failed: ${init.stderr.slice(0, 200)}`);
    const fetched = await runGit(dir, ['fetch', '-q', '--depth', '1', '--filter=blob:none', '--no-tags', request.repoUrl, request.ref ?? 'HEAD'], request.timeoutMs);
    if (fetched.code !== 0) throw fetchFailure(fetched, request.ref);
    const files = await findFiles(dir, request.folder, request.timeoutMs);
    if (!files.manifest) throw new UpstreamFetchError(`no package.json in ${request.folder ? `"${request.folder}"` : 'the repository root'}`);
    const manifest = await readBlob(dir, files.manifest, request.timeoutMs, MANIFEST_MAX_BYTES);
    if (!manifest) throw new UpstreamFetchError('could not read package.json');
    if (manifest.truncated) throw new UpstreamFetchError(`package.json is larger than ${MANIFEST_MAX_BYTES / 1024} KiB`);
    // A package in a subfolder often keeps its README at the repository's root.
    const readmePath = files.readme ?? (request.folder ? (await findFiles(dir, null, request.timeoutMs)).readme : undefined);
    const readme = readmePath ? await readBlob(dir, readmePath, request.timeoutMs, README_MAX_BYTES) : null;
    return { packageJson: manifest.text, readme: readme?.text ?? null, readmeTruncated: readme?.truncated ?? false };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
