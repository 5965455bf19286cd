import { z } from 'zod';
import type { DomainRow } from '../db/domain-store';
import { destinationUrl } from '../lib/destination-url';
import { hostnameField } from '../lib/hostnames';
import { VERIFICATION_PATH_PREFIX } from '../lib/domain-verification';

const redirectUrl = (field: string) => destinationUrl(field).nullable().optional();

export const createDomainBody = z.strictObject({
  hostname: hostnameField('Hostname').describe('A DNS name pointed at this deployment, e.g. go.example.com'),
  root_redirect_url: redirectUrl('Root redirect url').describe('Where https://<hostname>/ sends visitors; null: the 404 page'),
  not_found_redirect_url: redirectUrl('Not found redirect url').describe('Where an unknown short code on this domain sends visitors; null: the 404 page'),
});

export const updateDomainBody = z
  .strictObject({ root_redirect_url: redirectUrl('Root redirect url'), not_found_redirect_url: redirectUrl('Not found redirect url') })
  .refine((b) => b.root_redirect_url !== undefined || b.not_found_redirect_url !== undefined, 'Send at least one of root_redirect_url, not_found_redirect_url');

export const domainObject = z.object({
  id: z.number().int(),
  hostname: z.string(),
  status: z.enum(['pending', 'active', 'failed']).describe('active once verified; pending while attempts remain; failed after the last (POST …/verify tries again)'),
  verification_url: z.string().describe('What the worker GETs; this deployment answers it once the domain points here'),
  verification_attempts: z.number().int(),
  last_verification_error: z.string().nullable(),
  last_checked_at: z.string().nullable(),
  verified_at: z.string().nullable(),
  root_redirect_url: z.string().nullable(),
  not_found_redirect_url: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
}).meta({ id: 'Domain' });

export const domainResponse = z.object({ success: z.literal(true), domain: domainObject }).meta({ id: 'DomainResponse' });
export const domainListResponse = z.object({ success: z.literal(true), domains: z.array(domainObject) });

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function presentDomain(d: DomainRow): z.infer<typeof domainObject> {
  return {
    id: Number(d.id),
    hostname: d.hostname,
    status: d.status,
    verification_url: `http://${d.hostname}${VERIFICATION_PATH_PREFIX}${d.verification_token}`,
    verification_attempts: d.verification_attempts,
    last_verification_error: d.last_verification_error,
    last_checked_at: iso(d.last_checked_at),
    verified_at: iso(d.verified_at),
    root_redirect_url: d.root_redirect_url,
    not_found_redirect_url: d.not_found_redirect_url,
    created_at: d.created_at.toISOString(),
    updated_at: d.updated_at.toISOString(),
  };
}
