import type { Db } from './knex';
import { PACKAGE_COLUMNS, type PackageRow } from './package-store';

/**
 * A user's bookmarked packages (the pkglnk editor client's saved list). Only packages anyone may
 * see are listed: one bookmarked while public and made private since drops out of the list.
 */
export async function listBookmarkedPackages(db: Db, userId: number, page: { limit: number; offset: number }): Promise<{ rows: PackageRow[]; total: number }> {
  const base = () => db('package_bookmarks as b').join('packages as p', 'p.id', 'b.package_id').where('b.user_id', userId).where('p.is_private', false);
  const [rows, counted] = await Promise.all([
    base().select(PACKAGE_COLUMNS.map((c) => `p.${c}`)).orderBy([{ column: 'b.created_at', order: 'desc' }, { column: 'p.id', order: 'desc' }]).limit(page.limit).offset(page.offset),
    base().count<Array<{ n: string }>>({ n: '*' }),
  ]);
  return { rows: rows as PackageRow[], total: Number(counted[0]?.n ?? 0) };
}

/**
 * Bookmarks the package, or removes the bookmark when there is one: true when it is bookmarked
 * afterwards. Two toggles at once cannot both insert (the primary key) and cannot fail.
 */
export async function toggleBookmark(db: Db, userId: number, packageId: number): Promise<boolean> {
  const removed = await db('package_bookmarks').where({ user_id: userId, package_id: packageId }).delete();
  if (removed > 0) return false;
  await db('package_bookmarks').insert({ user_id: userId, package_id: packageId }).onConflict(['user_id', 'package_id']).ignore();
  return true;
}
