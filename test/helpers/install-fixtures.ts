import { createHash, randomUUID } from 'node:crypto';
import type { Services } from '../../src/services';

/**
 * Packages and install events written straight to the database, as the package API and the
 * ingest worker would leave them, for tests of what is computed from them.
 */

let counter = 0;

export interface PackageFixture {
  id: number;
  slug: string;
}

export async function insertPackage(services: Services, userId: number, fields: { slug?: string; display_name?: string; is_private?: boolean; total_installs?: number; unique_ips?: number } = {}): Promise<PackageFixture> {
  const slug = fields.slug ?? `pkg-${++counter}-${Date.now()}`;
  const [row] = await services.db('packages')
    .insert({
      user_id: userId,
      slug,
      display_name: fields.display_name ?? `Package ${slug}`,
      git_platform: 'github',
      git_owner: 'owner',
      git_repo: 'repo',
      is_private: fields.is_private ?? false,
      total_installs: fields.total_installs ?? 0,
      unique_ips: fields.unique_ips ?? 0,
    })
    .returning(['id', 'slug']);
  return row as PackageFixture;
}

export interface InstallFixture {
  at: Date;
  session?: string;
  ip?: string;
  os?: string | null;
  country?: string | null;
  type?: 'clone_start' | 'fetch_objects' | 'lfs' | 'nupkg_download';
  /** Delivered a pack: defaults to true for fetch_objects and nupkg_download, the requests that carry one. */
  delivered?: boolean;
}

/** A keyed-hash look-alike (64 hex digits) of a made-up address. */
export function fakeIpHash(ip: string): string {
  return createHash('sha256').update(ip).digest('hex');
}

export async function insertInstallEvents(services: Services, packageId: number, events: InstallFixture[]): Promise<void> {
  if (events.length === 0) return;
  await services.db('install_events').insert(
    events.map((e) => ({
      event_id: randomUUID(),
      package_id: packageId,
      occurred_at: e.at,
      event_type: e.type ?? 'clone_start',
      session_id: e.session ?? `sess_${randomUUID()}`,
      hashed_ip: fakeIpHash(e.ip ?? '10.0.0.1'),
      country_code: e.country === undefined ? 'US' : e.country,
      city: null,
      os: e.os === undefined ? 'windows' : e.os,
      git_version: '2.43.0',
      subpath: null,
      delivered: e.delivered ?? (e.type === 'fetch_objects' || e.type === 'nupkg_download'),
    })),
  );
}

/** A whole install: clone_start then fetch_objects a second later, one session. */
export function install(at: Date, fields: Omit<InstallFixture, 'at' | 'session' | 'type'> = {}): InstallFixture[] {
  const session = `sess_${randomUUID()}`;
  return [
    { ...fields, at, session, type: 'clone_start' },
    { ...fields, at: new Date(at.getTime() + 1000), session, type: 'fetch_objects' },
  ];
}

/** Midday UTC `daysAgo` days before today. */
export function daysAgo(days: number, hourUtc = 12): Date {
  const d = new Date();
  d.setUTCHours(hourUtc, 0, 0, 0);
  d.setUTCDate(d.getUTCDate() - days);
  return d;
}
