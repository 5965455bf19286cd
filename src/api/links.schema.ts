import { z } from 'zod';
import type { LinkRow } from '../db/link-store';
import { SHORT_CODE_PATTERN, isReservedCode } from '../short-codes';
import { httpUrl } from './schemas';

export const shortCode = z
  .string()
  .trim()
  .regex(SHORT_CODE_PATTERN, 'Short code may contain only letters, digits, - and _ (1-64 characters, starting with a letter or digit)')
  .refine((code) => !isReservedCode(code), 'Short code is reserved');

export const linkFields = z.object({
  destination_url: httpUrl('Destination url'),
  short_code: shortCode.optional(),
  title: z.string().trim().max(255, 'Title is too long (maximum is 255 characters)').nullable().optional(),
  /** Conversion attribution: the redirect appends the click id as lt_click (see README). */
  append_click_id: z.boolean({ error: 'Append click id must be true or false' }).optional(),
});

export const createLinkBody = z.object({
  link: z.unknown().refine((v) => v !== undefined, 'Link is required').pipe(linkFields),
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
  append_click_id: z.boolean(),
});
export type LinkObject = z.infer<typeof linkObject>;

function iso(value: Date | null): string | null {
  return value ? value.toISOString() : null;
}

export function presentLink(link: LinkRow, publicBaseUrl: string): LinkObject {
  return {
    id: link.id,
    short_code: link.short_code,
    short_url: `${publicBaseUrl}/${link.short_code}`,
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
    append_click_id: link.append_click_id,
  };
}
