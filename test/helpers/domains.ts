import type { DomainRow, DomainStatus } from '../../src/db/domain-store';
import { newVerificationToken } from '../../src/lib/domain-verification';
import type { Services } from '../../src/services';

/**
 * A custom domain of the user's, written directly, for tests about links on domains rather than
 * about verification: pending by default (links may live on any of the owner's domains), active
 * when the test visits it through the edge.
 */
export async function addDomain(services: Services, userId: number, hostname: string, status: DomainStatus = 'pending'): Promise<DomainRow> {
  const [row] = await services.db('domains')
    .insert({ user_id: userId, hostname, verification_token: newVerificationToken(), status, verified_at: status === 'active' ? new Date() : null })
    .returning('*');
  return row as DomainRow;
}
