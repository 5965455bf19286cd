import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SeenRequest } from './git-upstream';

/**
 * A local NuGet v3 flat container for tests and benchmarks: `/{lower id}/index.json` lists the
 * versions, `/{lower id}/{lower version}/{lower id}.{lower version}.nupkg` serves that
 * package's bytes (random, of the given size), anything else is a 404, as api.nuget.org answers.
 */
export interface NuGetUpstream {
  baseUrl: string;
  seen: SeenRequest[];
  nupkg(id: string, version: string): Buffer;
  close(): Promise<void>;
}

export async function startNuGetUpstream(packages: Record<string, { versions: string[]; size?: number }>): Promise<NuGetUpstream> {
  const seen: SeenRequest[] = [];
  const files = new Map<string, Buffer>();
  for (const [id, { versions, size }] of Object.entries(packages)) {
    for (const v of versions) files.set(`/${id.toLowerCase()}/${v.toLowerCase()}/${id.toLowerCase()}.${v.toLowerCase()}.nupkg`, randomBytes(size ?? 64 * 1024));
  }
  const server: Server = createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const index = /^\/([^/]+)\/index\.json$/.exec(path);
    const listed = index ? Object.entries(packages).find(([id]) => id.toLowerCase() === index[1]) : undefined;
    if (listed) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ versions: listed[1].versions }));
      return;
    }
    const file = files.get(path);
    if (file) {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': file.length });
      res.end(req.method === 'HEAD' ? undefined : file);
      return;
    }
    res.writeHead(404, { 'content-type': 'application/xml' }).end('<Error><Code>BlobNotFound</Code></Error>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    nupkg: (id, version) => files.get(`/${id.toLowerCase()}/${version.toLowerCase()}/${id.toLowerCase()}.${version.toLowerCase()}.nupkg`) as Buffer,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
