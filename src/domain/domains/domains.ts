import type { Services } from '../../services';
import {
  LINKS_DOMAIN_FK, deleteUserDomain, domainHasLinks, findDomain, insertDomain, recordVerification, updateUserDomain,
  type DomainChanges, type DomainRow,
} from '../../db/domain-store';
import { isForeignKeyViolation, isUniqueViolation } from '../../db/pg-errors';
import type { User } from '../../db/user-store';
import { newVerificationToken } from '../../lib/domain-verification';
import { domainCacheKey } from '../../lib/hostnames';
import { publishLinkInvalidation } from '../../queues/link-invalidation';
import { DomainError } from '../errors';
import { requireFeature } from '../feature-gate';
import { checkDomainVerification } from './verification-check';

type Owner = Pick<User, 'id' | 'plan'>;

/** Retried with backoff: 10 s, 20 s, 40 s … 640 s, about 21 minutes over 8 attempts, for DNS that is still spreading. */
export const VERIFY_ATTEMPTS = 8;
export const VERIFY_BACKOFF = { type: 'exponential', delay: 10_000 } as const;

export interface DomainInput {
  hostname: string;
  root_redirect_url?: string | null;
  not_found_redirect_url?: string | null;
}

async function requestVerification(services: Services, domainId: number): Promise<void> {
  await services.queues.add('verify-domain', { domainId }, { attempts: VERIFY_ATTEMPTS, backoff: VERIFY_BACKOFF });
}

/** Adds a domain (pending) and asks the worker to verify it at once. */
export async function createUserDomain(services: Services, owner: Owner, input: DomainInput): Promise<DomainRow> {
  requireFeature(owner.plan, 'custom_domains');
  if (input.hostname === new URL(services.config.publicBaseUrl).hostname) throw DomainError.invalid(['Hostname is the default domain already']);
  const domain = await insertDomain(services.db, {
    user_id: owner.id,
    hostname: input.hostname,
    verification_token: newVerificationToken(),
    root_redirect_url: input.root_redirect_url ?? null,
    not_found_redirect_url: input.not_found_redirect_url ?? null,
  }).catch((err: unknown) => {
    if (isUniqueViolation(err, 'domains_hostname_unique')) throw new DomainError('conflict', 'Hostname has already been taken');
    throw err;
  });
  // The edge may have cached this host as unknown.
  await publishLinkInvalidation(services, [domainCacheKey(domain.hostname)]);
  await requestVerification(services, domain.id);
  return domain;
}

export async function changeUserDomain(services: Services, owner: Owner, id: number, changes: DomainChanges): Promise<DomainRow | undefined> {
  requireFeature(owner.plan, 'custom_domains');
  const domain = await updateUserDomain(services.db, owner.id, id, changes);
  if (domain) await publishLinkInvalidation(services, [domainCacheKey(domain.hostname)]);
  return domain;
}

// Archived links keep their domain (their clicks and history stay), so they count too.
const STILL_HAS_LINKS = 'Domain still has links, archived ones included: move them to another domain first';

/**
 * A domain that still holds links is kept (409): its links would lose their address. A link
 * created on it between the check and the delete trips the foreign key: the same answer.
 */
export async function removeUserDomain(services: Services, owner: Owner, domain: DomainRow): Promise<void> {
  if (await domainHasLinks(services.db, domain.id)) throw new DomainError('conflict', STILL_HAS_LINKS);
  await deleteUserDomain(services.db, owner.id, domain.id).catch((err: unknown) => {
    if (isForeignKeyViolation(err, LINKS_DOMAIN_FK)) throw new DomainError('conflict', STILL_HAS_LINKS);
    throw err;
  });
  await publishLinkInvalidation(services, [domainCacheKey(domain.hostname)]);
}

/** POST …/verify: another round of attempts, e.g. once DNS is fixed. */
export async function reverifyUserDomain(services: Services, owner: Owner, domain: DomainRow): Promise<void> {
  requireFeature(owner.plan, 'custom_domains');
  await requestVerification(services, domain.id);
}

export interface AttemptInfo {
  attemptsMade: number;
  maxAttempts: number;
}

/**
 * One verification attempt (the worker's job). Success makes the domain active; a failure is
 * recorded (the API shows it) and thrown so the queue retries with backoff, and the last failed
 * attempt of a domain never verified leaves it `failed`. An active domain stays active.
 */
export async function verifyDomain(services: Services, domainId: number, attempt: AttemptInfo): Promise<DomainRow | undefined> {
  const domain = await findDomain(services.db, domainId);
  if (!domain) return undefined; // deleted meanwhile
  const { config } = services;
  if (!config.appSecret) throw new Error('APP_SECRET is not set');
  const problem = await checkDomainVerification(domain.hostname, domain.verification_token, {
    appSecret: config.appSecret, timeoutMs: config.domainVerifyTimeoutMs, resolve: config.domainVerifyResolve, allowPrivate: config.webhookAllowPrivate,
  });
  const lastAttempt = attempt.attemptsMade + 1 >= attempt.maxAttempts;
  const updated = await recordVerification(services.db, domain.id, problem, lastAttempt);
  if (updated && updated.status !== domain.status) await publishLinkInvalidation(services, [domainCacheKey(domain.hostname)]);
  if (problem !== null) throw new Error(`Domain ${domain.hostname} not verified: ${problem}`);
  return updated;
}
