import { z } from 'zod';
import { findDomainByHost, findUserDomain, listUserDomains } from '../db/domain-store';
import { changeUserDomain, createUserDomain, removeUserDomain, reverifyUserDomain } from '../domain/domains/domains';
import { requireFeature } from '../domain/feature-gate';
import { idParam } from '../lib/schemas';
import type { Services } from '../services';
import type { Authenticated } from '../db/token-store';
import { hostnameField } from '../lib/hostnames';
import { createDomainBody, domainListResponse, domainResponse, presentDomain, updateDomainBody } from './domains.schema';
import { ApiError } from './errors';
import { successOnly } from './envelopes.schema';
import type { ApiRouter } from './route';
import { ADDRESS_LIMITED, consumeAddressRequest } from './address-limit';

/**
 * Custom domains (link side: its envelope, the links scopes, plan-gated as custom_domains).
 * A domain serves its links once verified (domain/domains/domains.ts, the verify-domain job).
 */
const PATH = '/api/v1/domains';
const params = z.object({ id: idParam });
const NOT_FOUND = 'Domain not found';
const gated = { 403: { description: 'Feature not available on your plan' } };
/** Caddy asks once per new name; more than this from one address is someone probing which names we serve. */
const TLS_ASK_PER_MINUTE = 120;

async function ownedDomain(services: Services, auth: Authenticated, id: number) {
  requireFeature(auth.user.plan, 'custom_domains');
  const domain = await findUserDomain(services.db, auth.user.id, id);
  if (!domain) throw new ApiError(404, NOT_FOUND);
  return domain;
}

export function registerDomainRoutes(api: ApiRouter): void {
  // Before /:id. Caddy's on-demand TLS asks this before it requests a certificate for a name.
  api.add({
    method: 'get', path: `${PATH}/tls-ask`, tag: 'Domains', auth: 'public',
    summary: 'May a certificate be issued for this name? 200 for a verified domain, else 404 (Caddy on_demand_tls ask)',
    query: z.strictObject({ domain: hostnameField('Domain') }),
    responses: {
      200: { description: 'A verified domain', schema: successOnly }, 400: { description: 'Not a hostname' },
      404: { description: 'Not a verified domain' }, 429: ADDRESS_LIMITED,
    },
    handler: async ({ req, query, res, services }) => {
      await consumeAddressRequest(services, req, res, 'tls-ask', TLS_ASK_PER_MINUTE);
      const domain = await findDomainByHost(services.db, query.domain);
      if (domain?.status !== 'active') throw new ApiError(404, NOT_FOUND);
      res.json({ success: true });
    },
  });

  api.add({
    method: 'get', path: PATH, tag: 'Domains', summary: 'Your custom domains', auth: 'links:read',
    responses: { 200: { description: 'The domains', schema: domainListResponse }, ...gated },
    handler: async ({ auth, res, services }) => {
      requireFeature(auth.user.plan, 'custom_domains');
      res.json({ success: true, domains: (await listUserDomains(services.db, auth.user.id)).map(presentDomain) });
    },
  });

  api.add({
    method: 'post', path: PATH, tag: 'Domains', auth: 'links:write', body: createDomainBody,
    summary: 'Add a domain (pending until the worker verifies that it reaches this deployment)',
    responses: {
      201: { description: 'The new domain', schema: domainResponse }, ...gated,
      409: { description: 'Hostname has already been taken' }, 422: { description: 'Validation failed' },
    },
    handler: async ({ body, auth, res, services }) => {
      res.status(201).json({ success: true, domain: presentDomain(await createUserDomain(services, auth.user, body)) });
    },
  });

  api.add({
    method: 'get', path: `${PATH}/:id`, tag: 'Domains', summary: 'A domain and its verification status', auth: 'links:read', params,
    responses: { 200: { description: 'The domain', schema: domainResponse }, ...gated, 404: { description: NOT_FOUND } },
    handler: async ({ params: p, auth, res, services }) => {
      res.json({ success: true, domain: presentDomain(await ownedDomain(services, auth, p.id)) });
    },
  });

  api.add({
    method: 'patch', path: `${PATH}/:id`, tag: 'Domains', summary: "Change a domain's root and not-found redirects", auth: 'links:write', params, body: updateDomainBody,
    responses: { 200: { description: 'The domain', schema: domainResponse }, ...gated, 404: { description: NOT_FOUND }, 422: { description: 'Validation failed' } },
    handler: async ({ params: p, body, auth, res, services }) => {
      await ownedDomain(services, auth, p.id);
      const domain = await changeUserDomain(services, auth.user, p.id, body);
      if (!domain) throw new ApiError(404, NOT_FOUND);
      res.json({ success: true, domain: presentDomain(domain) });
    },
  });

  api.add({
    method: 'post', path: `${PATH}/:id/verify`, tag: 'Domains', summary: 'Check the domain again (a new round of attempts)', auth: 'links:write', params,
    responses: { 202: { description: 'Queued; GET the domain for its status', schema: domainResponse }, ...gated, 404: { description: NOT_FOUND } },
    handler: async ({ params: p, auth, res, services }) => {
      const domain = await ownedDomain(services, auth, p.id);
      await reverifyUserDomain(services, auth.user, domain);
      res.status(202).json({ success: true, domain: presentDomain(domain) });
    },
  });

  api.add({
    method: 'delete', path: `${PATH}/:id`, tag: 'Domains', summary: 'Remove a domain that holds no links', auth: 'links:write', params,
    responses: { 200: { description: 'Removed', schema: domainResponse }, ...gated, 404: { description: NOT_FOUND }, 409: { description: 'Domain still has links' } },
    handler: async ({ params: p, auth, res, services }) => {
      const domain = await ownedDomain(services, auth, p.id);
      await removeUserDomain(services, auth.user, domain);
      res.json({ success: true, domain: presentDomain(domain) });
    },
  });
}
