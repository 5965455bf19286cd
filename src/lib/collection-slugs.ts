import { randomInt } from 'node:crypto';
import { RESERVED_CODES } from './short-codes';

/**
 * Collection slugs: lowercase letters, digits and single hyphens, 1-64 characters, never all
 * digits — so a numeric path segment (/api/v1/collections/42) always means the id and a slug
 * can never be mistaken for one.
 */
export const SLUG_MAX_LENGTH = 64;
export const COLLECTION_SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const NUMERIC_ID_PATTERN = /^\d{1,15}$/;

/**
 * Words that name routes or would read as commands (…/collections/new), plus the app's own
 * first path segments, so a slug can later be served publicly without shadowing anything.
 */
export const RESERVED_SLUGS = new Set([
  ...RESERVED_CODES,
  'new', 'edit', 'create', 'update', 'delete', 'index', 'all', 'me', 'mine', 'search',
  'collections', 'collection', 'packages', 'package', 'links', 'link', 'export', 'import', 'null', 'undefined',
]);

/** Why a requested slug is refused, or undefined when it is acceptable. */
export function slugProblem(slug: string): string | undefined {
  if (slug.length === 0) return "Slug can't be blank";
  if (slug.length > SLUG_MAX_LENGTH) return `Slug is too long (maximum is ${SLUG_MAX_LENGTH} characters)`;
  if (!COLLECTION_SLUG_PATTERN.test(slug)) return 'Slug may contain only lowercase letters, digits and single hyphens, and must start and end with a letter or digit';
  if (/^\d+$/.test(slug)) return 'Slug must not be only digits (numbers address collections by id)';
  if (RESERVED_SLUGS.has(slug)) return 'Slug is reserved';
  return undefined;
}

// Room left for a "-xxxxxx" suffix when a generated slug is taken.
const BASE_MAX_LENGTH = SLUG_MAX_LENGTH - 7;

/** A slug derived from a name: "Café Tools 2!" → "cafe-tools-2". Always valid per slugProblem. */
export function slugFromName(name: string): string {
  const base = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '') // strip the accents NFKD split off
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, BASE_MAX_LENGTH)
    .replace(/^-+|-+$/g, '');
  if (base === '') return 'collection';
  if (/^\d+$/.test(base)) return `collection-${base}`;
  if (RESERVED_SLUGS.has(base)) return `${base}-collection`;
  return base;
}

const SUFFIX_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** The base with a random suffix, for when the plain base is taken. */
export function withRandomSuffix(base: string): string {
  let suffix = '';
  for (let i = 0; i < 6; i++) suffix += SUFFIX_ALPHABET[randomInt(SUFFIX_ALPHABET.length)];
  return `${base.slice(0, BASE_MAX_LENGTH)}-${suffix}`;
}
