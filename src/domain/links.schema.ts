import { z } from 'zod';
import type { LinkRow } from '../db/link-store';
import type { RecentClick } from '../db/link-analytics-store';
import { SHORT_CODE_PATTERN, isReservedCode } from '../lib/short-codes';
import { destinationUrl } from '../lib/destination-url';
import { multiLine, singleLine } from '../lib/schemas';
import { hostnameField } from '../lib/hostnames';

/**
 * Request and response shapes of the PVTLNK Links API. Every message is a whole sentence
 * naming its field (Rails style, as the contract shows), so clients can show them as they are.
 */

export const LIMITS = {
  title: 255,
  description: 2000,
  tags: 20,
  tag: 50,
  utmParams: 10,
  utmKey: 40,
  utmValue: 200,
  password: 128,
  /** Short enough to type, long enough that the guess rate README.md documents protects it. */
  passwordMin: 8,
  perPage: 100,
  previewTitle: 200,
  previewDescription: 500,
} as const;

function typed(field: string, kind: string): { error: (issue: { input?: unknown }) => string } {
  return { error: (issue) => (issue.input === undefined || issue.input === null ? `${field} can't be blank` : `${field} must be ${kind}`) };
}

export const shortCode = singleLine('Short code', typed('Short code', 'a string'))
  .trim()
  .regex(SHORT_CODE_PATTERN, 'Short code may contain only letters, digits, - and _ (1-64 characters, starting with a letter or digit)')
  .refine((code) => !isReservedCode(code), 'Short code is reserved');

/** Free text; blank reads as null so "no title" has one representation. */
function optionalText(field: string, max: number, lines: typeof singleLine = singleLine) {
  return lines(field, typed(field, 'a string'))
    .trim()
    .max(max, `${field} is too long (maximum is ${max} characters)`)
    .transform((v) => (v === '' ? null : v))
    .nullable();
}

function flag(field: string) {
  return z.boolean(typed(field, 'true or false'));
}

/** ISO 8601 with a zone (Z or ±hh:mm), inside the years PostgreSQL and people both mean. */
function instant(field: string) {
  return z
    .iso.datetime({ offset: true, error: `${field} must be an ISO 8601 date-time with a time zone, e.g. 2026-04-01T00:00:00Z` })
    .transform((v) => new Date(v))
    .refine((d) => d.getUTCFullYear() >= 1970 && d.getUTCFullYear() <= 9999, `${field} must be between the years 1970 and 9999`)
    .nullable();
}

// Tags travel through CSV export and import joined by commas, so a comma inside one is refused.
const tags = z
  .array(singleLine('Tags', { error: 'Tags must be an array of strings' }), 'Tags must be an array of strings')
  .max(LIMITS.tags, `Tags may list at most ${LIMITS.tags} tags`)
  .superRefine((list, ctx) => {
    for (const tag of list) {
      const t = tag.trim();
      if (t === '') ctx.addIssue({ code: 'custom', message: "Tags can't contain a blank tag" });
      else if (t.length > LIMITS.tag) ctx.addIssue({ code: 'custom', message: `Tag "${t.slice(0, 20)}…" is too long (maximum is ${LIMITS.tag} characters)` });
      else if (t.includes(',')) ctx.addIssue({ code: 'custom', message: `Tag "${t}" can't contain a comma` });
    }
  })
  .transform((list) => [...new Set(list.map((t) => t.trim()))])
  .nullable()
  .transform((list) => list ?? []);

const UTM_KEY = /^utm_[a-z0-9_]+$/;
const utmValue = singleLine().refine((v) => v.trim() !== '' && v.length <= LIMITS.utmValue);

/** Only utm_* keys: the field exists for campaign tagging, not for rewriting arbitrary query parameters. */
const utmParams = z
  .record(z.string(), z.unknown(), 'Utm params must be an object of utm_* names to strings')
  .superRefine((params, ctx) => {
    const entries = Object.entries(params);
    if (entries.length > LIMITS.utmParams) ctx.addIssue({ code: 'custom', message: `Utm params may have at most ${LIMITS.utmParams} parameters` });
    for (const [key, value] of entries) {
      if (!UTM_KEY.test(key) || key.length > LIMITS.utmKey) {
        ctx.addIssue({ code: 'custom', message: `Utm params key "${key.slice(0, LIMITS.utmKey)}" is not allowed: use lowercase utm_* names such as utm_source (at most ${LIMITS.utmKey} characters)` });
      } else if (!utmValue.safeParse(value).success) {
        ctx.addIssue({ code: 'custom', message: `Utm params ${key} must be a non-empty string of at most ${LIMITS.utmValue} characters` });
      }
    }
  })
  .transform((params) => params as Record<string, string>)
  .nullable()
  .transform((params) => params ?? {});

const collectionId = z
  .number(typed('Collection id', 'a whole number'))
  // int() also refuses numbers past 2^53, which PostgreSQL's bigint would choke on.
  .int({ error: 'Collection id must be a whole number', abort: true })
  .positive('Collection id must be a whole number')
  .nullable();

/** Top level, beside `link`, as the contract has it. null (or absent) means no password. */
const password = singleLine('Password', typed('Password', 'a string'))
  .min(1, { message: "Password can't be blank (send null to remove a password)", abort: true })
  .min(LIMITS.passwordMin, `Password is too short (minimum is ${LIMITS.passwordMin} characters)`)
  .max(LIMITS.password, `Password is too long (maximum is ${LIMITS.password} characters)`)
  .nullable()
  .optional();

const editable = {
  destination_url: destinationUrl(),
  title: optionalText('Title', LIMITS.title).optional(),
  description: optionalText('Description', LIMITS.description, multiLine).optional(),
  tags: tags.optional(),
  collection_id: collectionId.optional(),
  scheduled_start_at: instant('Scheduled start at').optional(),
  scheduled_end_at: instant('Scheduled end at').optional(),
  expires: flag('Expires').optional(),
  expires_at: instant('Expires at').optional(),
  utm_params: utmParams.optional(),
  active: flag('Active').optional(),
  append_click_id: flag('Append click id').optional(),
  preview_title: optionalText('Preview title', LIMITS.previewTitle).optional(),
  preview_description: optionalText('Preview description', LIMITS.previewDescription, multiLine).optional(),
  preview_image_url: destinationUrl('Preview image url').nullable().optional(),
  domain: hostnameField('Domain').nullable().optional()
    .describe('One of your domains (GET /api/v1/domains) the short code lives on; null or absent: the default domain'),
};

const linkObjectError = { error: (issue: { input?: unknown }) => (issue.input === undefined ? "Link can't be blank" : 'Link must be an object of link fields') };

export const createLinkFields = z.object({ ...editable, short_code: shortCode.nullable().optional() }, linkObjectError);

export const updateLinkFields = z.object(
  {
    ...editable,
    destination_url: editable.destination_url.optional(),
    short_code: shortCode.optional(),
    // Not in the contract: lets an archived link be restored (DELETE only archives).
    archived: flag('Archived').optional(),
  },
  linkObjectError,
);

export const createLinkBody = z.object({ link: createLinkFields, password });
// On PATCH the password may change alone; otherwise `link` carries the changes.
export const updateLinkBody = z
  .object({ link: updateLinkFields.optional(), password })
  .refine((body) => body.link !== undefined || body.password !== undefined, { message: "Link can't be blank", path: ['link'] })
  .transform((body) => ({ link: body.link ?? {}, password: body.password }));

export type CreateLinkFields = z.output<typeof createLinkFields>;
export type UpdateLinkFields = z.output<typeof updateLinkFields>;

function wholeNumber(field: string, max: number) {
  const message = `${field} must be a whole number from 1 to ${max}`;
  return singleLine(field, message).regex(/^\d{1,16}$/, message).transform(Number).refine((n) => n >= 1 && n <= max, message);
}

function yesNo(field: string) {
  return z.enum(['true', 'false', '1', '0'], `${field} must be true or false`).transform((v) => v === 'true' || v === '1');
}

export const listLinksQuery = z.object({
  page: wholeNumber('Page', 1_000_000).optional(),
  per_page: wholeNumber('Per page', LIMITS.perPage).optional(),
  active: yesNo('Active').optional(),
  archived: yesNo('Archived').optional(),
  scheduled: yesNo('Scheduled').optional(),
  collection_id: wholeNumber('Collection id', Number.MAX_SAFE_INTEGER).optional(),
  q: singleLine('Q').max(200, 'Q is too long (maximum is 200 characters)').optional()
    .describe('Only links whose short code, title or destination contains this text (case-insensitive)'),
  tag: singleLine('Tag').max(LIMITS.tag, `Tag is too long (maximum is ${LIMITS.tag} characters)`).optional().describe('Only links with this tag'),
  expired: yesNo('Expired').optional().describe('true: links past their expiry; false: links not expired'),
  sort: z.enum(['created_at', '-created_at', 'clicks', '-clicks', 'title', '-title', 'last_clicked_at', '-last_clicked_at'], 'Sort must be one of created_at, clicks, title, last_clicked_at, optionally prefixed with -').optional()
    .describe('Order: a field, descending when prefixed with - (default -created_at)'),
  order: z.enum(['asc', 'desc'], 'Order must be asc or desc').optional().describe("The sort's direction; overrides a - prefix"),
});

export const linkObject = z.object({
  id: z.number().int(),
  short_code: z.string(),
  short_url: z.string(),
  destination_url: z.string(),
  title: z.string().nullable(),
  description: z.string().nullable(),
  tags: z.array(z.string()),
  click_count: z.number().int(),
  active: z.boolean(),
  archived: z.boolean(),
  password_protected: z.boolean(),
  is_scheduled: z.boolean(),
  scheduled_start_at: z.string().nullable(),
  scheduled_end_at: z.string().nullable(),
  expires: z.boolean(),
  expires_at: z.string().nullable(),
  last_clicked_at: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  utm_params: z.record(z.string(), z.string()),
  collection_id: z.number().int().nullable(),
  append_click_id: z.boolean(),
  preview_title: z.string().nullable(),
  preview_description: z.string().nullable(),
  preview_image_url: z.string().nullable(),
  domain: z.string().nullable().describe('The custom domain the link lives on; null: the default domain'),
}).meta({ id: 'Link' });
export type LinkObject = z.infer<typeof linkObject>;

export const recentClick = z.object({
  clicked_at: z.string(),
  hashed_ip: z.string(),
  hashed_user_agent: z.string(),
  referrer_domain: z.string().nullable(),
  country_code: z.string().nullable(),
  device_type: z.string().nullable(),
  browser_family: z.string().nullable(),
  os_family: z.string().nullable(),
});

export const linkWithAnalytics = linkObject.extend({
  analytics: z.object({
    total_clicks: z.number().int(),
    recent_clicks: z.array(recentClick),
    rule_breakdown: z.array(z.object({ rule_id: z.number().int().nullable(), clicks: z.number().int() })).describe('Counted clicks per targeting rule that sent them; rule_id null: no rule matched'),
    trigger_breakdown: z.object({ qr: z.number().int(), link: z.number().int() }).describe('Counted clicks by what brought them: a scan of the link\'s QR code, or anything else'),
  }),
});

export const paginationObject = z.object({ page: z.number().int(), per_page: z.number().int(), total: z.number().int(), total_pages: z.number().int() }).meta({ id: 'Pagination' });

function iso(value: Date | null): string | null {
  return value ? value.toISOString() : null;
}

/** Hostnames of an owner's custom domains by id, for links that live on one. */
export type DomainNames = ReadonlyMap<number, string>;

/** A domain link's short URL uses PUBLIC_BASE_URL's scheme on the domain's host. */
export function presentLink(link: LinkRow, publicBaseUrl: string, domains: DomainNames = new Map()): LinkObject {
  const domain = link.domain_id === null ? null : domains.get(link.domain_id) ?? null;
  const base = domain === null ? publicBaseUrl : `${new URL(publicBaseUrl).protocol}//${domain}`;
  return {
    id: link.id,
    short_code: link.short_code,
    short_url: `${base}/${link.short_code}`,
    destination_url: link.destination_url,
    title: link.title,
    description: link.description,
    tags: link.tags,
    click_count: link.click_count,
    active: link.active,
    archived: link.archived,
    password_protected: link.password_hash !== null,
    is_scheduled: link.scheduled_start_at !== null || link.scheduled_end_at !== null,
    scheduled_start_at: iso(link.scheduled_start_at),
    scheduled_end_at: iso(link.scheduled_end_at),
    expires: link.expires,
    expires_at: iso(link.expires_at),
    last_clicked_at: iso(link.last_clicked_at),
    created_at: link.created_at.toISOString(),
    updated_at: link.updated_at.toISOString(),
    utm_params: link.utm_params,
    collection_id: link.collection_id,
    append_click_id: link.append_click_id,
    preview_title: link.preview_title,
    preview_description: link.preview_description,
    preview_image_url: link.preview_image_url,
    domain,
  };
}

export function presentRecentClick(click: RecentClick): z.infer<typeof recentClick> {
  return { ...click, clicked_at: click.clicked_at.toISOString() };
}
