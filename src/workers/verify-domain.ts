import type { Job } from 'bullmq';
import type { JobPayloads } from '../queues/registry';
import type { Services } from '../services';
import { verifyDomain } from '../domain/domains/domains';

/** One verification attempt of a custom domain; a failure throws, so the queue retries with backoff. */
export async function verifyDomainJob(services: Services, data: JobPayloads['verify-domain'], job: Pick<Job, 'attemptsMade' | 'opts'>): Promise<{ status: string | null }> {
  const domain = await verifyDomain(services, data.domainId, { attemptsMade: job.attemptsMade, maxAttempts: job.opts.attempts ?? 1 });
  return { status: domain?.status ?? null };
}
