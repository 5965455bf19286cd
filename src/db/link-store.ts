import type { Knex } from 'knex';
import type { Db } from './knex';

export interface LinkRow {
  id: number;
  user_id: number;
  short_code: string;
  destination_url: string;
  title: string | null;
  description: string | null;
  tags: string[];
  active: boolean;
  archived: boolean;
  password_hash: string | null;
  scheduled_start_at: Date | null;
  scheduled_end_at: Date | null;
  expires: boolean;
  expires_at: Date | null;
  utm_params: Record<string, string>;
  collection_id: number | null;
  /** A custom domain (domains.id) the link lives on; null: PUBLIC_BASE_URL's host. */
  domain_id: number | null;
  /** Opt-in: the redirect appends the click id (lt_click) for conversion attribution. */
  append_click_id: boolean;
  /** Optional Open Graph / Twitter card text and image for link-preview crawlers. */
  preview_title: string | null;
  preview_description: string | null;
  preview_image_url: string | null;
  click_count: number;
  last_clicked_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export type NewLink = Pick<LinkRow, 'user_id' | 'short_code' | 'destination_url'> & Partial<Omit<LinkRow, 'id' | 'user_id' | 'short_code' | 'destination_url' | 'click_count' | 'last_clicked_at' | 'created_at' | 'updated_at'>>;

export async function insertLink(db: Db, link: NewLink): Promise<LinkRow> {
  const [row] = await db('links').insert({ ...link, utm_params: JSON.stringify(link.utm_params ?? {}) }).returning('*');
  return row as LinkRow;
}

/** Tenancy: a link is only ever found together with its owner. */
export async function findUserLink(db: Db, userId: number, id: number): Promise<LinkRow | undefined> {
  return db<LinkRow>('links').where({ id, user_id: userId }).first();
}

/** A short code is unique per domain; domainId null is the default domain. */
export async function findLinkByCode(db: Db, shortCode: string, domainId: number | null = null): Promise<LinkRow | undefined> {
  const q = db<LinkRow>('links').where({ short_code: shortCode });
  return (domainId === null ? q.whereNull('domain_id') : q.andWhere('domain_id', domainId)).first();
}

export interface LinkFilters {
  active?: boolean;
  archived?: boolean;
  /** true: links with a start or an end; false: links with neither. */
  scheduled?: boolean;
  collectionId?: number;
  /** Text inside the short code, title or destination (case-insensitive). */
  search?: string;
  tag?: string;
  expired?: boolean;
  /** A column, descending when prefixed with '-'. */
  sort?: string;
  /** Overrides the direction `sort` implies. */
  order?: 'asc' | 'desc';
}

/** The filters a link listing and a link export share. */
export type LinkSearch = Pick<LinkFilters, 'search' | 'tag'>;

const SORT_COLUMNS: Record<string, string> = { created_at: 'created_at', clicks: 'click_count', title: 'title', last_clicked_at: 'last_clicked_at' };

/** LIKE treats % and _ as wildcards; a search for them means the characters themselves. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Narrows a links query to a text search and a tag. The trigram and tags GIN indexes
 * (migration add_links_search_indexes) serve ILIKE '%…%' and `tags @> ARRAY[…]`.
 */
export function whereLinkMatches(q: Knex.QueryBuilder, filters: LinkSearch): void {
  if (filters.search) {
    const pattern = likePattern(filters.search);
    q.andWhere((w) => w.whereILike('short_code', pattern).orWhereILike('title', pattern).orWhereILike('destination_url', pattern));
  }
  if (filters.tag) q.andWhereRaw('tags @> ARRAY[?]::text[]', [filters.tag]);
}

/** ORDER BY for a sort (a column, '-' for descending) and an order that overrides its direction; id breaks ties. */
export function linkOrderBy(sort: string | undefined, order: 'asc' | 'desc' | undefined, fallback = '-created_at'): string {
  const chosen = sort ?? fallback;
  const descending = order ? order === 'desc' : chosen.startsWith('-');
  const column = SORT_COLUMNS[chosen.replace(/^-/, '')] ?? 'created_at';
  return `${column} ${descending ? 'DESC NULLS LAST' : 'ASC NULLS FIRST'}, id ${descending ? 'DESC' : 'ASC'}`;
}

/** One page of a user's links, newest first, and how many match in all. */
export async function listUserLinks(db: Db, userId: number, filters: LinkFilters, page: number, perPage: number): Promise<{ links: LinkRow[]; total: number }> {
  const matching = () => {
    const q = db<LinkRow>('links').where({ user_id: userId });
    if (filters.active !== undefined) q.andWhere('active', filters.active);
    if (filters.archived !== undefined) q.andWhere('archived', filters.archived);
    if (filters.collectionId !== undefined) q.andWhere('collection_id', filters.collectionId);
    if (filters.scheduled === true) q.andWhere((w) => w.whereNotNull('scheduled_start_at').orWhereNotNull('scheduled_end_at'));
    if (filters.scheduled === false) q.andWhere((w) => w.whereNull('scheduled_start_at').whereNull('scheduled_end_at'));
    whereLinkMatches(q, filters);
    if (filters.expired === true) q.andWhere('expires_at', '<=', db.fn.now());
    if (filters.expired === false) q.andWhere((w) => w.whereNull('expires_at').orWhere('expires_at', '>', db.fn.now()));
    return q;
  };
  const [links, counted] = await Promise.all([
    matching().select('*').orderByRaw(linkOrderBy(filters.sort, filters.order)).limit(perPage).offset((page - 1) * perPage),
    matching().count<Array<{ n: string | number }>>({ n: '*' }),
  ]);
  return { links: links as LinkRow[], total: Number(counted[0]?.n ?? 0) };
}

/** The link, locked for the rest of the transaction, so a read-check-write cannot interleave with another. */
export async function findUserLinkForUpdate(db: Db, userId: number, id: number): Promise<LinkRow | undefined> {
  return db<LinkRow>('links').where({ id, user_id: userId }).forUpdate().first();
}

export type LinkChanges = Partial<Omit<LinkRow, 'id' | 'user_id' | 'click_count' | 'last_clicked_at' | 'created_at' | 'updated_at'>>;

export async function updateLinkRow(db: Db, id: number, changes: LinkChanges): Promise<LinkRow> {
  const { utm_params, ...rest } = changes;
  const [row] = await db('links')
    .where({ id })
    .update({ ...rest, ...(utm_params !== undefined ? { utm_params: JSON.stringify(utm_params) } : {}), updated_at: db.fn.now() })
    .returning('*');
  return row as LinkRow;
}

/** Tenancy for collections: another user's collection is as good as none. */
export async function userOwnsCollection(db: Db, userId: number, collectionId: number): Promise<boolean> {
  const row = await db('collections').where({ id: collectionId, user_id: userId }).first('id');
  return row !== undefined;
}

/** Archiving is a flag, never a delete: clicks and analytics stay. Undefined when the user has no such link. */
export async function archiveUserLinkRow(db: Db, userId: number, id: number): Promise<LinkRow | undefined> {
  const [row] = await db('links').where({ id, user_id: userId }).update({ archived: true, updated_at: db.fn.now() }).returning('*');
  return row as LinkRow | undefined;
}
