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
