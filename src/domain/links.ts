import { requireFeature } from './feature-gate';
import type { Db } from '../db/knex';
import {
  archiveUserLinkRow, findUserLinkForUpdate, insertLink, updateLinkRow, userOwnsCollection,
  type LinkChanges, type LinkRow, type NewLink,
} from '../db/link-store';
import { isForeignKeyViolation, isUniqueViolation } from '../db/pg-errors';
import type { User } from '../db/user-store';
import { DomainError } from './errors';
import { publishLinkInvalidation } from '../queues/link-invalidation';
import { hashPassword } from '../lib/secrets';
import type { Services } from '../services';
import { generateShortCode } from '../lib/short-codes';
import { insertWithUniqueCode } from './unique-codes';
import { LINKS_DOMAIN_FK, userDomainIdsByHost } from '../db/domain-store';
import { linkCacheKey } from '../lib/hostnames';

const SHORT_CODE_CONSTRAINT = 'links_short_code_unique';
const SHORT_CODE_TAKEN = 'Short code has already been taken';
const COLLECTION_MISSING = 'Collection must exist';
const COLLECTION_FK = 'links_collection_id_foreign';

/**
 * Creates a link, with the owner's short code or a generated one. The unique index decides a
 * race between two creates of one code: exactly one wins, the other gets the documented 422;
 * a collection or domain deleted since it was checked is a 422 too (its foreign key).
 * Shared by the API and the bulk import job.
 */
export async function createLink(db: Db, fields: Omit<NewLink, 'short_code'> & { short_code?: string | null }): Promise<LinkRow> {
  const { short_code: requested, ...rest } = fields;
  return insertWithUniqueCode({
    constraint: SHORT_CODE_CONSTRAINT,
    requested,
    generate: () => generateShortCode(),
    insert: (code) => insertLink(db, { ...rest, short_code: code }),
    taken: () => DomainError.invalid([SHORT_CODE_TAKEN]),
  }).catch(parentGone);
}

/** The editable fields, as the API has validated them (absent = not given, null = cleared). */
export interface LinkInput {
  destination_url?: string;
  short_code?: string | null;
  title?: string | null;
  description?: string | null;
  tags?: string[];
  collection_id?: number | null;
  scheduled_start_at?: Date | null;
  scheduled_end_at?: Date | null;
  expires?: boolean;
  expires_at?: Date | null;
  utm_params?: Record<string, string>;
  active?: boolean;
  archived?: boolean;
  /** Conversion attribution: the redirect appends the click id as lt_click (see README). */
  append_click_id?: boolean;
  /** Shown to link-preview crawlers (src/proxy/link-preview.ts). */
  preview_title?: string | null;
  preview_description?: string | null;
  preview_image_url?: string | null;
  /** One of the owner's custom domains by hostname; null: PUBLIC_BASE_URL's host. */
  domain?: string | null;
}

export const DOMAIN_MISSING = 'Domain must be one of your domains';

/**
 * The rule for a link's `domain`: any of the owner's domains, verified or not (a pending
 * domain's links wait for it to go live), by hostname → id. A name missing from the answer is
 * not the owner's: the link fails with DOMAIN_MISSING. Used by POST/PATCH and the bulk import.
 */
export function ownerDomainIds(db: Db, ownerId: number, hostnames: string[]): Promise<Map<string, number>> {
  return userDomainIdsByHost(db, ownerId, hostnames);
}

/** The owner's domain id for a hostname (null stays null: the default domain); undefined = not given. */
async function resolveDomain(db: Db, ownerId: number, hostname: string | null | undefined): Promise<number | null | undefined> {
  if (hostname === undefined || hostname === null) return hostname;
  const id = (await ownerDomainIds(db, ownerId, [hostname])).get(hostname);
  if (id === undefined) throw DomainError.invalid([DOMAIN_MISSING]);
  return id;
}

function cacheKeyOf(link: Pick<LinkRow, 'domain_id' | 'short_code'>): string {
  return linkCacheKey(link.domain_id, link.short_code);
}

/** Top-level password: a string sets it, null removes it, absent leaves it. */
export type PasswordInput = string | null | undefined;

type Owner = Pick<User, 'id' | 'plan'>;

/**
 * Rules that span fields or need the database: the scheduling plan gate (403), a start before
 * its end and the owner's own collection (422). `input` is what the request sets; `result` is
 * the link as it would be saved.
 */
async function checkLinkRules(db: Db, owner: Owner, input: LinkInput, result: Pick<LinkRow, 'scheduled_start_at' | 'scheduled_end_at' | 'collection_id'>): Promise<void> {
  const setsSchedule = (input.scheduled_start_at ?? null) !== null || (input.scheduled_end_at ?? null) !== null;
  if (setsSchedule) requireFeature(owner.plan, 'scheduling');
  const errors: string[] = [];
  const { scheduled_start_at: start, scheduled_end_at: end } = result;
  if (start && end && start.getTime() >= end.getTime()) errors.push('Scheduled end at must be after scheduled start at');
  if (input.collection_id != null && !(await userOwnsCollection(db, owner.id, input.collection_id))) errors.push(COLLECTION_MISSING);
  if (errors.length > 0) throw DomainError.invalid(errors);
}

/** `expires_at` given without `expires` turns expiry on (or off, when cleared). */
function impliedExpires(input: LinkInput): boolean | undefined {
  if (input.expires !== undefined) return input.expires;
  if (input.expires_at !== undefined) return input.expires_at !== null;
  return undefined;
}

/** The collection or the domain was deleted between the check and the write: the foreign key has the last word. */
function parentGone(err: unknown): never {
  if (isForeignKeyViolation(err, COLLECTION_FK)) throw DomainError.invalid([COLLECTION_MISSING]);
  if (isForeignKeyViolation(err, LINKS_DOMAIN_FK)) throw DomainError.invalid([DOMAIN_MISSING]);
  throw err;
}

/** POST /api/v1/links: validate across fields, hash the password, insert, announce. */
export async function createUserLink(services: Services, owner: Owner, input: LinkInput, password: PasswordInput): Promise<LinkRow> {
  const { db } = services;
  const fields = {
    user_id: owner.id,
    destination_url: input.destination_url ?? '',
    short_code: input.short_code ?? null,
    title: input.title ?? null,
    description: input.description ?? null,
    tags: input.tags ?? [],
    collection_id: input.collection_id ?? null,
    scheduled_start_at: input.scheduled_start_at ?? null,
    scheduled_end_at: input.scheduled_end_at ?? null,
    expires: impliedExpires(input) ?? false,
    expires_at: input.expires_at ?? null,
    utm_params: input.utm_params ?? {},
    active: input.active ?? true,
    append_click_id: input.append_click_id ?? false,
    preview_title: input.preview_title ?? null,
    preview_description: input.preview_description ?? null,
    preview_image_url: input.preview_image_url ?? null,
    domain_id: (await resolveDomain(db, owner.id, input.domain)) ?? null,
  };
  await checkLinkRules(db, owner, input, fields);
  const password_hash = password ? await hashPassword(password) : null;
  const link = await createLink(db, { ...fields, password_hash });
  // A lookup of this code before it existed may be cached as unknown.
  await publishLinkInvalidation(services, [cacheKeyOf(link)]);
  return link;
}

/**
 * PATCH /api/v1/links/:id: the row is locked while the merged result is checked and written,
 * so concurrent edits cannot combine into a link that breaks a rule. Undefined when the user
 * has no such link.
 */
export async function updateUserLink(services: Services, owner: Owner, id: number, input: LinkInput, password: PasswordInput): Promise<LinkRow | undefined> {
  // scrypt is slow on purpose: hash before taking the row lock, not while holding it.
  const password_hash = typeof password === 'string' ? await hashPassword(password) : password;
  const { domain, ...editable } = input;
  const changes: LinkChanges = {};
  for (const key of Object.keys(editable) as Array<keyof typeof editable>) {
    if (editable[key] !== undefined) Object.assign(changes, { [key]: editable[key] });
  }
  const domainId = await resolveDomain(services.db, owner.id, domain);
  if (domainId !== undefined) changes.domain_id = domainId;
  const expires = impliedExpires(input);
  if (expires !== undefined) changes.expires = expires;
  if (password_hash !== undefined) changes.password_hash = password_hash;

  const result = await services.db
    .transaction(async (trx) => {
      const current = await findUserLinkForUpdate(trx, owner.id, id);
      if (!current) return undefined;
      await checkLinkRules(trx, owner, input, { ...current, ...changes });
      const updated = await updateLinkRow(trx, id, changes);
      return { before: current, after: updated };
    })
    .catch((err: unknown) => {
      if (isUniqueViolation(err, SHORT_CODE_CONSTRAINT)) throw DomainError.invalid([SHORT_CODE_TAKEN]);
      return parentGone(err);
    });
  if (!result) return undefined;
  await publishLinkInvalidation(services, [cacheKeyOf(result.before), cacheKeyOf(result.after)]);
  return result.after;
}

/** DELETE /api/v1/links/:id archives: the link and its clicks stay, the short code stops resolving. */
export async function archiveUserLink(services: Services, owner: Owner, id: number): Promise<LinkRow | undefined> {
  const link = await archiveUserLinkRow(services.db, owner.id, id);
  if (!link) return undefined;
  await publishLinkInvalidation(services, [cacheKeyOf(link)]);
  return link;
}
