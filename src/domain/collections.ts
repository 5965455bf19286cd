import { NUMERIC_ID_PATTERN, slugFromName, withRandomSuffix } from '../lib/collection-slugs';
import {
  COLLECTION_SLUG_CONSTRAINT, addCollectionPackage, findUserPackageId, insertCollection, removeCollectionPackage, updateCollection,
  type CollectionFields, type CollectionRow, type Ref,
} from '../db/collection-store';
import type { Db } from '../db/knex';
import { findPublicPackageId } from '../db/directory-store';
import { isForeignKeyViolation, isUniqueViolation } from '../db/pg-errors';
import { DomainError } from './errors';
import { insertWithUniqueCode } from './unique-codes';

/** Package public ids are UUIDs (a slug spelled like one is still found, by the slug fallback). */
const PUBLIC_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function slugTaken(): DomainError {
  return new DomainError('conflict', 'Slug has already been taken');
}

/**
 * Creates a collection. The unique index on slug decides every race: a requested slug that is
 * taken is a 409; a slug generated from the name is retried with a random suffix instead.
 */
export async function createCollection(db: Db, userId: number, fields: Omit<CollectionFields, 'slug'> & { slug?: string }): Promise<CollectionRow> {
  const { slug: requested, ...rest } = fields;
  const base = slugFromName(rest.name);
  return insertWithUniqueCode({
    constraint: COLLECTION_SLUG_CONSTRAINT,
    requested,
    generate: (attempt) => (attempt === 1 ? base : withRandomSuffix(base)),
    insert: (slug) => insertCollection(db, userId, { ...rest, slug }),
    taken: slugTaken,
  });
}

/** Applies a PATCH; a slug taken by another collection is a 409. False when not the user's. */
export async function changeCollection(db: Db, userId: number, id: number, fields: Partial<CollectionFields>): Promise<boolean> {
  try {
    return await updateCollection(db, userId, id, fields);
  } catch (err) {
    if (isUniqueViolation(err, COLLECTION_SLUG_CONSTRAINT)) throw slugTaken();
    throw err;
  }
}

/** A path segment of digits is an id (slugs are never all digits); anything else a slug. */
export function collectionRef(segment: string): Ref {
  return NUMERIC_ID_PATTERN.test(segment) ? { id: Number(segment) } : { slug: segment };
}

/**
 * Resolves a packageId (a number, or a string from a path or a body) to one of the user's
 * packages. A UUID is the package's public id (the `id` package objects show, which the pkglnk
 * client sends); digits mean the integer id first and then, should no package have that id, a
 * slug spelled with digits; anything else is a slug. Unknown and other users' packages are
 * both a 404.
 */
export async function resolveUserPackage(db: Db, userId: number, packageId: string | number): Promise<number> {
  const text = String(packageId);
  let id: number | undefined;
  if (PUBLIC_ID_PATTERN.test(text)) id = await findUserPackageId(db, userId, { publicId: text.toLowerCase() });
  else if (typeof packageId === 'number' || NUMERIC_ID_PATTERN.test(text)) id = await findUserPackageId(db, userId, { id: Number(text) });
  if (id === undefined && typeof packageId === 'string') id = await findUserPackageId(db, userId, { slug: text });
  if (id === undefined) throw new DomainError('not_found', 'Package not found');
  return id;
}

/**
 * The package a collection may hold: one of the user's own (by any of resolveUserPackage's
 * names) or anyone's public package by its public id or slug. Someone else's private package is a 404,
 * as an unknown one.
 */
export async function resolveMemberPackage(db: Db, userId: number, packageId: string | number): Promise<number> {
  try {
    return await resolveUserPackage(db, userId, packageId);
  } catch (err) {
    const text = String(packageId).trim();
    const publicId = err instanceof DomainError && typeof packageId === 'string' ? await findPublicPackageId(db, text) : undefined;
    if (publicId === undefined) throw err;
    return publicId;
  }
}

/** A collection or package deleted between lookup and insert fails the foreign key: that is a 404, not a 500; a member already is a 409. */
export async function addPackageToCollection(db: Db, collectionId: number, packageId: number): Promise<void> {
  let added: boolean;
  try {
    added = await addCollectionPackage(db, collectionId, packageId);
  } catch (err) {
    if (isForeignKeyViolation(err)) throw new DomainError('not_found', 'Collection or package not found');
    throw err;
  }
  if (!added) throw new DomainError('conflict', 'Package is already in this collection');
}

export async function removePackageFromCollection(db: Db, collectionId: number, packageId: number): Promise<void> {
  const removed = await removeCollectionPackage(db, collectionId, packageId);
  if (!removed) throw new DomainError('not_found', 'Package is not in this collection');
}
