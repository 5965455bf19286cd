import type { Knex } from 'knex';
import type { Db } from './knex';
import type { PackageRow } from './package-store';

export interface CollectionRow {
  id: number;
  user_id: number;
  slug: string;
  name: string;
  description: string | null;
  tags: string[];
  /** Shown on the public side (GET /api/collections); private by default. */
  is_public: boolean;
  created_at: Date;
  updated_at: Date;
}

export interface CollectionWithCounts extends CollectionRow {
  link_count: number;
  package_count: number;
}

/** The package fields a collection shows for each member: the package's own row type, plus when it joined. */
export type MemberPackage = Pick<
  PackageRow,
  'id' | 'slug' | 'display_name' | 'description' | 'git_platform' | 'git_owner' | 'git_repo' | 'git_path' | 'git_ref' | 'is_private' | 'total_installs' | 'created_at'
> & { added_at: Date };

export type CollectionFields = Pick<CollectionRow, 'slug' | 'name' | 'description' | 'tags'> & Partial<Pick<CollectionRow, 'is_public'>>;

/** How a request names a collection or a package: by its integer id or by its slug (a package also by its public string id). */
export type Ref = { id: number } | { slug: string } | { publicId: string };

export const COLLECTION_SLUG_CONSTRAINT = 'collections_slug_unique';

function byRef(query: Knex.QueryBuilder, column: (name: string) => string, ref: Ref): Knex.QueryBuilder {
  if ('id' in ref) return query.where(column('id'), ref.id);
  if ('publicId' in ref) return query.where(column('public_id'), ref.publicId);
  return query.where(column('slug'), ref.slug);
}

/**
 * Counts are subqueries so a list is one query. Archived links are deleted as far as their
 * owner is concerned, so they are not counted; user_id guards against a link filed in a
 * collection that is not its owner's.
 */
function withCounts(db: Db): Knex.QueryBuilder {
  return db('collections as c').select(
    'c.*',
    db.raw('(SELECT count(*) FROM links l WHERE l.collection_id = c.id AND l.user_id = c.user_id AND NOT l.archived) AS link_count'),
    db.raw('(SELECT count(*) FROM collection_packages cp WHERE cp.collection_id = c.id) AS package_count'),
  );
}

/** Throws the unique violation on a taken slug; callers decide what that means. */
export async function insertCollection(db: Db, userId: number, fields: CollectionFields): Promise<CollectionRow> {
  const [row] = await db('collections').insert({ user_id: userId, ...fields }).returning('*');
  return row as CollectionRow;
}

/** Tenancy: a collection is only ever found together with its owner. */
export async function findUserCollection(db: Db, userId: number, ref: Ref): Promise<CollectionWithCounts | undefined> {
  const row: unknown = await byRef(withCounts(db).where('c.user_id', userId), (c) => `c.${c}`, ref).first();
  return row as CollectionWithCounts | undefined;
}

export async function listUserCollections(db: Db, userId: number, page: { limit: number; offset: number }): Promise<{ rows: CollectionWithCounts[]; total: number }> {
  const [rows, counted] = await Promise.all([
    withCounts(db).where('c.user_id', userId).orderBy('c.id', 'desc').limit(page.limit).offset(page.offset),
    db('collections').where({ user_id: userId }).count({ n: '*' }).first(),
  ]);
  return { rows: rows as CollectionWithCounts[], total: Number(counted?.n ?? 0) };
}

/** Returns false when the collection is not the user's. Throws the unique violation on a taken slug. */
export async function updateCollection(db: Db, userId: number, id: number, fields: Partial<CollectionFields>): Promise<boolean> {
  const updated = await db('collections').where({ id, user_id: userId }).update({ ...fields, updated_at: db.fn.now() });
  return updated > 0;
}

/** Links keep existing (their collection_id is set null by the FK); memberships cascade away. */
export async function deleteCollection(db: Db, userId: number, id: number): Promise<boolean> {
  const deleted = await db('collections').where({ id, user_id: userId }).delete();
  return deleted > 0;
}

/** Member packages in the order they were added. */
export async function collectionPackages(db: Db, collectionId: number): Promise<MemberPackage[]> {
  return db('collection_packages as cp')
    .join('packages as p', 'p.id', 'cp.package_id')
    .where('cp.collection_id', collectionId)
    .orderBy([{ column: 'cp.added_at' }, { column: 'p.id' }])
    .select(
      'p.id', 'p.slug', 'p.display_name', 'p.description', 'p.git_platform', 'p.git_owner', 'p.git_repo',
      'p.git_path', 'p.git_ref', 'p.is_private', 'p.total_installs', 'p.created_at', 'cp.added_at',
    );
}

/** The id of one of the user's packages, or undefined (unknown and other users' packages alike). */
export async function findUserPackageId(db: Db, userId: number, ref: Ref): Promise<number | undefined> {
  const row = (await byRef(db('packages').where({ user_id: userId }), (c) => c, ref).first('id')) as { id: number } | undefined;
  return row?.id;
}

/** True when the package was added now, false when it was already a member. */
export async function addCollectionPackage(db: Db, collectionId: number, packageId: number): Promise<boolean> {
  return db.transaction(async (trx) => {
    const inserted = await trx('collection_packages').insert({ collection_id: collectionId, package_id: packageId }).onConflict(['collection_id', 'package_id']).ignore().returning('package_id');
    if (inserted.length > 0) await trx('collections').where({ id: collectionId }).update({ updated_at: trx.fn.now() });
    return inserted.length > 0;
  });
}

/** True when the package was a member and is no longer. */
export async function removeCollectionPackage(db: Db, collectionId: number, packageId: number): Promise<boolean> {
  return db.transaction(async (trx) => {
    const removed = await trx('collection_packages').where({ collection_id: collectionId, package_id: packageId }).delete();
    if (removed > 0) await trx('collections').where({ id: collectionId }).update({ updated_at: trx.fn.now() });
    return removed > 0;
  });
}
