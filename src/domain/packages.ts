import type { Db } from '../db/knex';
import { isUniqueViolation } from '../db/pg-errors';
import { DomainError } from './errors';
import { insertPackage, PACKAGE_SLUG_CONSTRAINT, updateUserPackage, type PackageFields, type PackageRow } from '../db/package-store';
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

/** The slug a package gets when none is given: its repository name, made URL-safe. */
export function slugFromRepo(repo: string): string {
  return repo.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^[^a-z0-9]+/, '').slice(0, 64).replace(/-+$/, '');
}

function conflictOnSlug<T>(slug: string, work: () => Promise<T>): Promise<T> {
  return work().catch((err: unknown) => {
    if (isUniqueViolation(err, PACKAGE_SLUG_CONSTRAINT)) throw new DomainError('conflict', `Slug "${slug}" is already taken`);
    throw err;
  });
}

/** The unique index decides a race between two creates of one slug: one wins, the other gets 409. */
export function createPackage(db: Db, userId: number, fields: PackageFields): Promise<PackageRow> {
  return conflictOnSlug(fields.slug, () => insertPackage(db, userId, fields));
}

export function updatePackage(db: Db, userId: number, slug: string, fields: Partial<PackageFields>): Promise<PackageRow | undefined> {
  return conflictOnSlug(fields.slug ?? slug, () => updateUserPackage(db, userId, slug, fields));
}
