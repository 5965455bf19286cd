import type { Db } from './db/knex';
import { insertLink, isUniqueViolation, type LinkRow, type NewLink } from './db/link-store';
import { ApiError } from './api/errors';
import { generateShortCode } from './short-codes';

const GENERATED_CODE_ATTEMPTS = 5;

/**
 * Creates a link, with the owner's short code or a generated one. The unique index decides a
 * race between two creates of one code: exactly one wins, the other gets the documented 422.
 * Shared by the API and the bulk import job.
 */
export async function createLink(db: Db, fields: Omit<NewLink, 'short_code'> & { short_code?: string | null }): Promise<LinkRow> {
  const { short_code: requested, ...rest } = fields;
  if (requested) {
    try {
      return await insertLink(db, { ...rest, short_code: requested });
    } catch (err) {
      if (isUniqueViolation(err, 'links_short_code_unique')) throw ApiError.validation(['Short code has already been taken']);
      throw err;
    }
  }
  for (let attempt = 1; ; attempt++) {
    try {
      return await insertLink(db, { ...rest, short_code: generateShortCode() });
    } catch (err) {
      if (!isUniqueViolation(err, 'links_short_code_unique') || attempt >= GENERATED_CODE_ATTEMPTS) throw err;
    }
  }
}
