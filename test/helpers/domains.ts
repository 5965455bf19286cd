import { insertDomain, type DomainRow } from '../../src/db/domain-store';
import { newVerificationToken } from '../../src/lib/domain-verification';
import type { Services } from '../../src/services';

/**
 * A custom domain of the user's, written directly (still pending: links may live on it as on
 * any of the owner's domains), for tests about links on domains rather than about verification.
 */
export function addDomain(services: Services, userId: number, hostname: string): Promise<DomainRow> {
  return insertDomain(services.db, { user_id: userId, hostname, verification_token: newVerificationToken(), root_redirect_url: null, not_found_redirect_url: null });
}
