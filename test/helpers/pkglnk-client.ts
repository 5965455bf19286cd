import { randomBytes } from 'node:crypto';

/**
 * The requests of the pkglnk Unity editor client (PaulNonatomic/pkglnk-unity v0.10.6), replayed
 * byte for byte: same paths, query forms, headers and hand-written JSON bodies, and the same
 * string scans it reads answers with. See /work/notes/pkglnk-unity-calls.md.
 */

export const CLIENT_UA = 'pkglnk-unity/0.1';
export const NUGET_UA = 'pkglnk-unity/0.1 (+https://pkglnk.dev)';

/** InstallProgressTracker.GenerateInstallId: 8 random bytes as 16 lower-case hex digits. */
export function generateInstallId(): string {
  return randomBytes(8).toString('hex');
}

/** PackageInstaller.BuildInstallUrl: {base}/{slug}.git[?path={escaped}][&install={id}][#{ref}] (`?install=` without a path). */
export function buildInstallUrl(base: string, pkg: { slug: string; git_path?: string | null; git_ref?: string | null }, installId?: string): string {
  let url = `${base}/${pkg.slug}.git`;
  let hasQuery = false;
  if (pkg.git_path) {
    url += `?path=${encodeURIComponent(pkg.git_path)}`;
    hasQuery = true;
  }
  if (installId) url += `${hasQuery ? '&' : '?'}install=${encodeURIComponent(installId)}`;
  if (pkg.git_ref) url += `#${pkg.git_ref}`;
  return url;
}

/** The URL git is given: UPM passes the repository URL without the #ref (it checks the ref out itself). */
export function gitUrlOf(installUrl: string): string {
  const hash = installUrl.indexOf('#');
  return hash === -1 ? installUrl : installUrl.slice(0, hash);
}

/** InstallProgressTracker.NotifyInstallStart. */
export async function notifyInstallStart(base: string, slug: string, installId: string, source = 'pkglnk-unity-window'): Promise<Response> {
  return fetch(`${base}/api/v1/install-start`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'User-Agent': CLIENT_UA },
    body: `{"slug":"${slug}","install_id":"${installId}","source":"${source}"}`,
  });
}

/** One poll of InstallProgressTracker.PollProgress: the raw body. */
export async function pollProgress(base: string, installId: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${base}/api/v1/install-progress/${installId}`, { headers: { 'User-Agent': CLIENT_UA } });
  return { status: res.status, text: await res.text() };
}

/** InstallProgressTracker.ParsePhase: a scan for "phase":" — anything but resolving/downloading reads as pending. */
export function parsePhase(json: string): 'pending' | 'resolving' | 'downloading' {
  const marker = '"phase":"';
  const start = json.indexOf(marker);
  if (start < 0) return 'pending';
  const value = json.slice(start + marker.length, json.indexOf('"', start + marker.length));
  return value === 'resolving' || value === 'downloading' ? value : 'pending';
}

/** PkgLnkApiClient.AddPackageToCollection / RemovePackageFromCollection (DELETE with a JSON body). */
export async function collectionMembership(base: string, token: string, method: 'POST' | 'DELETE', collectionSlug: string, packageId: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${base}/api/v1/collections/${encodeURIComponent(collectionSlug)}/packages`, {
    method,
    headers: { 'Content-Type': 'application/json', 'User-Agent': CLIENT_UA, Authorization: `Bearer ${token}` },
    body: `{"packageId":"${packageId}"}`,
  });
  return { status: res.status, text: await res.text() };
}

/** NuGetPackageInstaller.ResolveLatestVersionThenDownload: the versions list, its last entry, the .nupkg URL it builds. */
export async function resolveLatestNupkg(indexUrl: string, packageId: string): Promise<{ status: number; version?: string; nupkgUrl?: string }> {
  const res = await fetch(indexUrl, { headers: { 'User-Agent': NUGET_UA, Accept: 'application/json' } });
  if (!res.ok) return { status: res.status };
  const versions = ((await res.json()) as { versions?: string[] }).versions ?? [];
  const version = versions[versions.length - 1];
  if (!version) return { status: res.status };
  const basePrefix = indexUrl.slice(0, indexUrl.lastIndexOf('/') + 1);
  const lowerId = packageId.toLowerCase();
  const lowerVer = version.toLowerCase();
  return { status: res.status, version, nupkgUrl: `${basePrefix}${lowerVer}/${lowerId}.${lowerVer}.nupkg` };
}

/** NuGetPackageInstaller.DownloadNupkg. */
export async function downloadNupkg(url: string): Promise<{ status: number; bytes: Buffer }> {
  const res = await fetch(url, { headers: { 'User-Agent': NUGET_UA } });
  return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()) };
}

/** One answer as the client sees it: status and raw text (it parses with JsonUtility and string scans). */
export interface RawAnswer {
  status: number;
  text: string;
}

async function send(url: string, init: { method?: string; token?: string; body?: string } = {}): Promise<RawAnswer> {
  const headers: Record<string, string> = { 'User-Agent': CLIENT_UA };
  if (init.token) headers.Authorization = `Bearer ${init.token}`;
  if (init.body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(url, { method: init.method ?? 'GET', headers, body: init.body, redirect: 'manual' });
  return { status: res.status, text: await res.text() };
}

/** PkgLnkApiClient.BuildUrl + FetchDirectory: ?page&limit, then &q and &topic when not blank. */
export function fetchDirectory(base: string, query: string, topic: string, page: number, limit = 40): Promise<RawAnswer> {
  let url = `${base}/api/directory?page=${page}&limit=${limit}`;
  if (query.trim()) url += `&q=${encodeURIComponent(query)}`;
  if (topic.trim()) url += `&topic=${encodeURIComponent(topic)}`;
  return send(url);
}

/** PkgLnkApiClient.ParseInstallCounts: the flat object after "installCounts":{ up to the first }. */
export function parseInstallCounts(json: string): Record<string, number> {
  const marker = '"installCounts":{';
  const start = json.indexOf(marker);
  if (start < 0) return {};
  const from = start + marker.length;
  const block = json.slice(from, json.indexOf('}', from)).trim();
  const result: Record<string, number> = {};
  for (const pair of block ? block.split(',') : []) {
    const colon = pair.indexOf(':');
    if (colon < 0) continue;
    const value = Number.parseInt(pair.slice(colon + 1).trim(), 10);
    if (!Number.isNaN(value)) result[pair.slice(0, colon).trim().replace(/^"|"$/g, '')] = value;
  }
  return result;
}

export const fetchBookmarks = (base: string, token: string): Promise<RawAnswer> => send(`${base}/api/v1/bookmarks`, { token });
export const fetchUserPackages = (base: string, token: string): Promise<RawAnswer> => send(`${base}/api/v1/packages`, { token });
export const toggleBookmark = (base: string, token: string, packageId: string): Promise<RawAnswer> =>
  send(`${base}/api/v1/bookmarks`, { method: 'POST', token, body: `{"packageId":"${packageId}"}` });

/** FetchCollections: ?offset&limit, then &q and &tag when not blank. */
export function fetchCollections(base: string, query: string, tag: string, offset: number, limit = 20): Promise<RawAnswer> {
  let url = `${base}/api/collections?offset=${offset}&limit=${limit}`;
  if (query.trim()) url += `&q=${encodeURIComponent(query)}`;
  if (tag.trim()) url += `&tag=${encodeURIComponent(tag)}`;
  return send(url);
}

export const fetchCollection = (base: string, slug: string): Promise<RawAnswer> => send(`${base}/api/collections/${encodeURIComponent(slug)}`);
export const fetchMyCollections = (base: string, token: string): Promise<RawAnswer> => send(`${base}/api/v1/collections`, { token });

/** CreateCollection / UpdateCollection / DeleteCollection, with the client's hand-written bodies. */
export const createCollection = (base: string, token: string, slug: string, name: string, description: string): Promise<RawAnswer> =>
  send(`${base}/api/v1/collections`, { method: 'POST', token, body: `{"slug":"${slug}","name":"${name}","description":"${description}"}` });
export const updateCollection = (base: string, token: string, slug: string, name: string, description: string): Promise<RawAnswer> =>
  send(`${base}/api/v1/collections/${encodeURIComponent(slug)}`, { method: 'PUT', token, body: `{"name":"${name}","description":"${description}"}` });
export const deleteCollection = (base: string, token: string, slug: string): Promise<RawAnswer> =>
  send(`${base}/api/v1/collections/${encodeURIComponent(slug)}`, { method: 'DELETE', token });

/** CheckSlugAvailability: type=collection, and a scan for "available":true. */
export async function checkSlugAvailability(base: string, slug: string, type = 'collection'): Promise<{ status: number; available: boolean }> {
  const res = await send(`${base}/api/check-availability?slug=${encodeURIComponent(slug)}&type=${type}`);
  return { status: res.status, available: res.text.includes('"available":true') };
}

/** HandleAuthenticatedResponse's error: "{code}: {message}" scanned from "message":". */
export function clientError(answer: RawAnswer): string {
  const start = answer.text.indexOf('"message":"');
  if (start < 0) return `${answer.status}`;
  const from = start + 11;
  return `${answer.status}: ${answer.text.slice(from, answer.text.indexOf('"', from))}`;
}
