import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { git } from './git-upstream';

/**
 * What the metadata worker reads, served for real: repositories of given files (one commit per
 * version, each tagged) for test/helpers/git-upstream.ts's server, and a fake GitHub REST API.
 */

export type Files = Record<string, string>;

/** A bare repository at <root>/<owner>/<repo>.git with one commit (and tag) per version, the last on main. */
export function buildRepo(root: string, owner: string, repo: string, versions: Array<{ tag: string; files: Files }>): void {
  const work = mkdtempSync(join(tmpdir(), 'lt-meta-work-'));
  git(['init', '-q', '-b', 'main'], work);
  for (const version of versions) {
    for (const [path, content] of Object.entries(version.files)) {
      mkdirSync(dirname(join(work, path)), { recursive: true });
      writeFileSync(join(work, path), content);
    }
    git(['add', '-A'], work);
    git(['commit', '-q', '-m', version.tag], work);
    git(['tag', version.tag], work);
  }
  const bare = join(root, owner, `${repo}.git`);
  mkdirSync(dirname(bare), { recursive: true });
  git(['clone', '-q', '--bare', work, bare]);
  rmSync(work, { recursive: true, force: true });
}

export interface FakeGithubApi {
  baseUrl: string;
  /** owner/repo → stargazers_count; a repository not here is a 404. */
  stars: Map<string, number>;
  /** true: every request answers 503, as GitHub does when it is down. */
  down: boolean;
  requests: Array<{ url: string; authorization: string | undefined }>;
  close(): Promise<void>;
}

export async function startFakeGithubApi(): Promise<FakeGithubApi> {
  const api: Omit<FakeGithubApi, 'baseUrl' | 'close'> = { stars: new Map(), down: false, requests: [] };
  const server: Server = createServer((req, res) => {
    api.requests.push({ url: req.url ?? '', authorization: req.headers.authorization });
    if (api.down) return void res.writeHead(503).end('{"message":"unavailable"}');
    const match = /^\/repos\/([^/]+)\/([^/]+)$/.exec(req.url ?? '');
    const stars = match ? api.stars.get(`${decodeURIComponent(match[1] ?? '')}/${decodeURIComponent(match[2] ?? '')}`) : undefined;
    if (stars === undefined) return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"Not Found"}');
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ full_name: match?.[1], stargazers_count: stars }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(api, {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  });
}
