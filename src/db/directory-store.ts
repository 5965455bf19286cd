import type { Knex } from 'knex';
import type { CollectionRow } from './collection-store';
import type { Db } from './knex';
import { PACKAGE_COLUMNS, type PackageRow } from './package-store';

/**
 * The public side's read queries: the package directory, public collections and a user's public
 * profile. Everything here shows only what anyone may see: packages that are not private (and,
 * in the directory, listed), collections marked public. The API (the pkglnk editor client) and
 * the pages for people read through these functions, so no caller can forget the filter.
 */

export type DirectorySort = 'installs' | 'recent';

export interface Paging {
  limit: number;
  offset: number;
}

export interface DirectoryQuery extends Paging {
  /** Words typed by a person: every word must start a word of the name, slug, package.json name, a topic or the description (blank: no search). */
  search?: string;
  /** Exactly one of the package's topics (keywords). */
  topic?: string;
  /** 'installs' (default): most installed first; 'recent': newest first. Ties break on id, so pages never overlap. */
  sort?: DirectorySort;
}

export interface Page<T> {
  rows: T[];
  total: number;
}

/** A public collection as its list shows it: member counts cover only public packages. */
export interface PublicCollection extends Omit<CollectionRow, 'is_public'> {
  package_count: number;
  owner_username: string;
  owner_avatar_url: string | null;
}

export interface PublicProfile {
  id: number;
  username: string;
  avatar_url: string | null;
  packages: PackageRow[];
  collections: PublicCollection[];
}

const PUBLIC_PACKAGE = 'NOT p.is_private';

/**
 * A prefix tsquery from what was typed, or undefined when nothing searchable was: words split as
 * the 'simple' parser splits them (a dotted name or a hyphenated word stays whole, as it is also
 * stored whole), each of which must begin a lexeme ("serv loc" finds "Service Locator",
 * "com.acme" finds "com.acme.tools"). Only letters, digits, '.' and '-' reach the query, so no
 * typed character is tsquery syntax; and it is a constant the planner can estimate from the
 * column's statistics (a rare word is read from the GIN index, a common one in directory order).
 */
export function prefixQuery(text: string): string | undefined {
  const words = text
    .toLowerCase()
    .split(/[^\p{L}\p{N}.-]+/u)
    .map((word) => word.replace(/^[.-]+|[.-]+$/g, ''))
    .filter((word) => word !== '')
    .slice(0, 8);
  return words.length > 0 ? words.map((word) => `'${word}':*`).join(' & ') : undefined;
}

function directoryFilter(db: Db, query: Pick<DirectoryQuery, 'search' | 'topic'>): Knex.QueryBuilder {
  const q = db('packages as p').whereRaw(PUBLIC_PACKAGE).where('p.is_listed', true);
  if (searches(query)) {
    const tsquery = prefixQuery(query.search as string);
    // Typed, but nothing searchable (only punctuation): nothing matches.
    if (tsquery === undefined) q.whereRaw('false');
    else q.whereRaw('p.search @@ ?::tsquery', [tsquery]);
  }
  if (query.topic !== undefined) q.whereRaw('p.topics @> ARRAY[?]::text[]', [query.topic]);
  return q;
}

/**
 * Matches up to this many are read from the search and topic indexes and sorted; more are read in
 * directory order, stopping at the page. PostgreSQL cannot estimate how many rows a prefix query
 * matches (it assumes 2%), so the count, which the answer needs anyway, decides instead; when no
 * count is known yet, the matches are read from the indexes and counted as they are sorted.
 */
const FEW_MATCHES = 5000;

function packageOrder(sort: DirectorySort | undefined, useIndex = true): string {
  const column = sort === 'recent' ? 'p.created_at' : 'p.total_installs';
  // The same order as an expression, which the directory's order indexes cannot serve.
  const first = useIndex ? column : sort === 'recent' ? `(${column} + interval '0')` : `(${column} + 0)`;
  return `${first} DESC, p.id DESC`;
}

const packageColumns = PACKAGE_COLUMNS.map((c) => `p.${c}`);

function searches(query: Pick<DirectoryQuery, 'search'>): boolean {
  return query.search !== undefined && query.search.trim() !== '';
}

/**
 * What decides a query's count: the normalised search (as prefixQuery reads it) and the topic,
 * not the page, the sort or how the words were spaced or cased. Counts are cached by this.
 */
export function directoryCountKey(query: Pick<DirectoryQuery, 'search' | 'topic'>): string {
  const tsquery = searches(query) ? prefixQuery(query.search as string) ?? '(nothing)' : '';
  return `${tsquery}\n${query.topic ?? ''}`;
}

/** How many public, listed packages match the search and topic. Every match is visited (without a search, in the order index only). */
export async function countPublicPackages(db: Db, query: Pick<DirectoryQuery, 'search' | 'topic'>): Promise<number> {
  const counted = await directoryFilter(db, query).count<Array<{ n: string }>>({ n: '*' });
  return Number(counted[0]?.n ?? 0);
}

export interface DirectoryPage extends Page<PackageRow> {
  /** Whether a package follows this page: read with the page (one row more), so exact even when a cached count is not. */
  hasMore: boolean;
}

/**
 * The page's rows, one more than asked. Their ids are chosen first from the narrowest reading
 * (the order index alone when nothing is searched, so a deep page costs no table reads), and
 * only those rows are then read whole. `countMatches`: also how many match in all, counted in the
 * same pass over the matches as the sort (a window count), undefined when the page is empty.
 */
async function readPage(db: Db, query: DirectoryQuery, byMatches: boolean, countMatches: boolean): Promise<{ read: PackageRow[]; matches?: number }> {
  const ids = directoryFilter(db, query)
    .select('p.id')
    .orderByRaw(packageOrder(query.sort, !byMatches))
    .limit(query.limit + 1)
    .offset(query.offset);
  if (countMatches) ids.select(db.raw('count(*) OVER () AS matches'));
  const read = (await db('packages as p')
    .join(ids.as('page'), 'page.id', 'p.id')
    .select(countMatches ? [...packageColumns, 'page.matches'] : packageColumns)
    .orderByRaw(packageOrder(query.sort))) as Array<PackageRow & { matches?: string }>;
  const matches = read[0]?.matches;
  if (matches === undefined) return { read };
  return { read: read.map(({ matches: _, ...row }) => row), matches: Number(matches) };
}

/**
 * One page of the directory and how many packages match. `counted`, when given, is how many
 * matched a little while ago (a cached count): it chooses the plan, and the total is corrected by
 * what the page shows (exact on the last page, never less than the rows seen). Without it the
 * total is counted afresh. The page is read one row longer than asked, so `hasMore` is exact.
 */
export async function listPublicPackages(db: Db, query: DirectoryQuery, counted?: number): Promise<DirectoryPage> {
  const filtered = searches(query) || query.topic !== undefined;
  // Unfiltered, the count reads the order index alone; cheaper than counting in the sort of every package.
  let known = counted ?? (filtered ? undefined : await countPublicPackages(db, query));
  if (known !== undefined && query.offset >= known) return { rows: [], total: known, hasMore: false };
  const { read, matches } = await readPage(db, query, filtered && (known === undefined || known <= FEW_MATCHES), known === undefined);
  // A page past the end counts nothing: count for it.
  known ??= matches ?? (await countPublicPackages(db, query));
  const hasMore = read.length > query.limit;
  const rows = hasMore ? read.slice(0, query.limit) : read;
  const seen = query.offset + rows.length;
  const total = hasMore ? Math.max(known, seen + 1) : rows.length > 0 ? seen : Math.min(known, query.offset);
  return { rows, total, hasMore };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A public package (listed or not) by its public id (a UUID) or its slug: what a bookmark or a collection may name. */
export async function findPublicPackageId(db: Db, idOrSlug: string): Promise<number | undefined> {
  const q = db('packages as p').whereRaw(PUBLIC_PACKAGE);
  // A UUID is looked up as one; a slug spelled like a UUID is still found by its slug.
  if (UUID.test(idOrSlug)) q.where((w) => w.where('p.public_id', idOrSlug.toLowerCase()).orWhere('p.slug', idOrSlug.toLowerCase()));
  else q.where('p.slug', idOrSlug);
  const row = (await q.first('p.id')) as { id: number } | undefined;
  return row?.id;
}

function publicCollections(db: Db): Knex.QueryBuilder {
  return db('collections as c')
    .join('users as u', 'u.id', 'c.user_id')
    .where('c.is_public', true)
    .select(
      'c.id', 'c.user_id', 'c.slug', 'c.name', 'c.description', 'c.tags', 'c.created_at', 'c.updated_at',
      'u.username as owner_username', 'u.avatar_url as owner_avatar_url',
      db.raw(`(SELECT count(*)::int FROM collection_packages cp JOIN packages p ON p.id = cp.package_id WHERE cp.collection_id = c.id AND ${PUBLIC_PACKAGE}) AS package_count`),
    );
}

/** LIKE's own characters typed by a person are matched literally. */
function containing(text: string): string {
  return `%${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}

export interface CollectionQuery extends Paging {
  /** Text found in the name or description (case-insensitive). */
  search?: string;
  /** One of the collection's tags, exactly. */
  tag?: string;
}

/** Public collections, most recently changed first. */
export async function listPublicCollections(db: Db, query: CollectionQuery): Promise<Page<PublicCollection>> {
  const filter = (q: Knex.QueryBuilder): Knex.QueryBuilder => {
    if (query.search !== undefined && query.search.trim() !== '') {
      const pattern = containing(query.search.trim());
      q.where((w) => w.whereILike('c.name', pattern).orWhereILike('c.description', pattern));
    }
    if (query.tag !== undefined) q.whereRaw('? = ANY(c.tags)', [query.tag]);
    return q;
  };
  const [rows, counted] = await Promise.all([
    filter(publicCollections(db)).orderBy([{ column: 'c.updated_at', order: 'desc' }, { column: 'c.id', order: 'desc' }]).limit(query.limit).offset(query.offset),
    filter(db('collections as c').where('c.is_public', true)).count<Array<{ n: string }>>({ n: '*' }),
  ]);
  return { rows: rows as PublicCollection[], total: Number(counted[0]?.n ?? 0) };
}

/** A public collection and its public member packages (in the order they were added); undefined when not public. */
export async function getPublicCollection(db: Db, slug: string): Promise<{ collection: PublicCollection; packages: PackageRow[] } | undefined> {
  const collection = (await publicCollections(db).where('c.slug', slug).first()) as PublicCollection | undefined;
  if (!collection) return undefined;
  const packages = (await db('collection_packages as cp')
    .join('packages as p', 'p.id', 'cp.package_id')
    .where('cp.collection_id', collection.id)
    .whereRaw(PUBLIC_PACKAGE)
    .orderBy([{ column: 'cp.added_at' }, { column: 'p.id' }])
    .select(packageColumns)) as PackageRow[];
  return { collection, packages };
}

/** A user's public page: their public, listed packages (most installed first) and public collections; undefined for an unknown username. */
export async function publicProfile(db: Db, username: string, paging: Paging = { limit: 100, offset: 0 }): Promise<PublicProfile | undefined> {
  const user = (await db('users').where({ username }).first('id', 'username', 'avatar_url')) as Pick<PublicProfile, 'id' | 'username' | 'avatar_url'> | undefined;
  if (!user) return undefined;
  const [packages, collections] = await Promise.all([
    db('packages as p').whereRaw(PUBLIC_PACKAGE).where({ 'p.is_listed': true, 'p.user_id': user.id }).select(packageColumns).orderByRaw(packageOrder('installs')).limit(paging.limit).offset(paging.offset),
    publicCollections(db).where('c.user_id', user.id).orderBy([{ column: 'c.updated_at', order: 'desc' }, { column: 'c.id', order: 'desc' }]).limit(paging.limit).offset(paging.offset),
  ]);
  return { ...user, packages: packages as PackageRow[], collections: collections as PublicCollection[] };
}

/** Whether a slug is free: taken by anyone's package or collection, private or not, means not available. */
export async function slugAvailable(db: Db, table: 'packages' | 'collections', slug: string): Promise<boolean> {
  return !(await db(table).where({ slug }).first('id'));
}
