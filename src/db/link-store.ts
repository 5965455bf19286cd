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
  /** Opt-in: the redirect appends the click id (lt_click) for conversion attribution. */
  append_click_id: boolean;
  click_count: number;
  last_clicked_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export type NewLink = Pick<LinkRow, 'user_id' | 'short_code' | 'destination_url'> & Partial<Omit<LinkRow, 'id' | 'user_id' | 'short_code' | 'destination_url' | 'click_count' | 'last_clicked_at' | 'created_at' | 'updated_at'>>;

export const UNIQUE_VIOLATION = '23505';

export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = err as { code?: string; constraint?: string };
  return e?.code === UNIQUE_VIOLATION && (constraint === undefined || e.constraint === constraint);
}

export async function insertLink(db: Db, link: NewLink): Promise<LinkRow> {
  const [row] = await db('links').insert({ ...link, utm_params: JSON.stringify(link.utm_params ?? {}) }).returning('*');
  return row as LinkRow;
}

/** Tenancy: a link is only ever found together with its owner. */
export async function findUserLink(db: Db, userId: number, id: number): Promise<LinkRow | undefined> {
  return db<LinkRow>('links').where({ id, user_id: userId }).first();
}

export async function findLinkByCode(db: Db, shortCode: string): Promise<LinkRow | undefined> {
  return db<LinkRow>('links').where({ short_code: shortCode }).first();
}
