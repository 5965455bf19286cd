import { api, ok } from './client';
import type { components } from './schema';

/** The custom-domain endpoints (/api/v1/domains), through the typed client. */

export type Domain = components['schemas']['Domain'];

/** A redirect field as the forms hold it: blank means none (the domain's 404 page). */
export interface RedirectFields {
  root_redirect_url: string;
  not_found_redirect_url: string;
}

const byId = (id: number) => ({ params: { path: { id: String(id) } } });
const orNull = (text: string) => text.trim() || null;

export async function listDomains(): Promise<Domain[]> {
  return (await ok(api.GET('/api/v1/domains'))).domains;
}

export async function addDomain(hostname: string, redirects: RedirectFields): Promise<Domain> {
  const body = {
    hostname: hostname.trim(),
    root_redirect_url: orNull(redirects.root_redirect_url),
    not_found_redirect_url: orNull(redirects.not_found_redirect_url),
  };
  return (await ok(api.POST('/api/v1/domains', { body }))).domain;
}

export async function changeRedirects(id: number, redirects: RedirectFields): Promise<Domain> {
  const body = { root_redirect_url: orNull(redirects.root_redirect_url), not_found_redirect_url: orNull(redirects.not_found_redirect_url) };
  return (await ok(api.PATCH('/api/v1/domains/{id}', { ...byId(id), body }))).domain;
}

/** Another round of verification attempts; the answer is the domain as it was (the check runs in the worker). */
export async function checkNow(id: number): Promise<void> {
  await ok(api.POST('/api/v1/domains/{id}/verify', byId(id)));
}

export async function removeDomain(id: number): Promise<void> {
  await ok(api.DELETE('/api/v1/domains/{id}', byId(id)));
}

/** The status in words a person reads, not the API's enum. */
export function statusWords(domain: Domain): string {
  switch (domain.status) {
    case 'active': return 'Active: serving links';
    case 'failed': return 'Not verified: every check failed';
    default: return domain.last_checked_at ? 'Waiting for DNS: checking again on its own' : 'Waiting for the first check';
  }
}
