import type { Db } from '../db/knex';
import { isUniqueViolation } from '../db/pg-errors';
import { DomainError } from './errors';
import { insertPackage, PACKAGE_NUGET_ID_CONSTRAINT, PACKAGE_SLUG_CONSTRAINT, updateUserPackage, type PackageFields, type PackageKind, type PackageRow } from '../db/package-store';
import { isReservedCode } from '../lib/short-codes';

/**
 * Package slugs are the first path segment of the git proxy's URLs (/<slug>.git/…), so they
 * are lower-case, URL-safe and never a word the app serves itself (api, track, badge, …).
 * Dots are refused: "<slug>.git" must end the segment unambiguously.
 */
export const SLUG_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export function slugError(slug: string): string | undefined {
  if (!SLUG_PATTERN.test(slug)) return 'Slug may contain only lower-case letters, digits, - and _ (1-64 characters, starting with a letter or digit)';
  if (isReservedCode(slug)) return 'Slug is reserved';
  return undefined;
}

/** NuGet package ids: letters, digits, '.', '-', '_', starting and ending with a letter or digit (at most 100). */
export const NUGET_ID = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,98}[A-Za-z0-9])?$/;

/** The slug a package gets when none is given: its repository name, made URL-safe. */
export function slugFromRepo(repo: string): string {
  return repo.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^[^a-z0-9]+/, '').slice(0, 64).replace(/-+$/, '');
}

function conflictOnSlug<T>(slug: string, work: () => Promise<T>): Promise<T> {
  return work().catch((err: unknown) => {
    if (isUniqueViolation(err, PACKAGE_SLUG_CONSTRAINT)) throw new DomainError('conflict', `Slug "${slug}" is already taken`);
    if (isUniqueViolation(err, PACKAGE_NUGET_ID_CONSTRAINT)) throw new DomainError('conflict', 'NuGet id is already registered by another package');
    throw err;
  });
}

/**
 * A package's kind and NuGet id agree: a NuGet package names its NuGet id (the flat container
 * serves it under that id), a UPM package has none. Asked of the values a create or update ends
 * with; `kind` defaults to nuget when a NuGet id is given.
 */
export function packageKind(requested: { kind?: PackageKind; nuget_id?: string | null }, current?: { kind: PackageKind; nuget_id: string | null }): { ok: true; kind: PackageKind; nuget_id: string | null } | { ok: false; error: string } {
  const nugetId = requested.nuget_id !== undefined ? requested.nuget_id : (current?.nuget_id ?? null);
  const kind = requested.kind ?? (requested.nuget_id ? 'nuget' : requested.nuget_id === null ? 'upm' : (current?.kind ?? 'upm'));
  if (kind === 'nuget' && !nugetId) return { ok: false, error: "NuGet id can't be blank for a NuGet package" };
  if (kind === 'upm' && nugetId) return { ok: false, error: 'A UPM package has no NuGet id: give kind "nuget", or nuget_id null' };
  return { ok: true, kind, nuget_id: nugetId };
}

/** The unique index decides a race between two creates of one slug: one wins, the other gets 409. */
export function createPackage(db: Db, userId: number, fields: PackageFields): Promise<PackageRow> {
  return conflictOnSlug(fields.slug, () => insertPackage(db, userId, fields));
}

export function updatePackage(db: Db, userId: number, slug: string, fields: Partial<PackageFields>): Promise<PackageRow | undefined> {
  return conflictOnSlug(fields.slug ?? slug, () => updateUserPackage(db, userId, slug, fields));
}
