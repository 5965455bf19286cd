import type { Job } from 'bullmq';
import { installFromJson, installToJson, storeInstalls, type InstallRow } from '../db/install-store';
import { hashIp, locate } from '../lib/enrichment';
import type { InstallEvent } from '../lib/edge-events';
import { gitOs, gitVersion } from '../lib/git-agent';
import { publishInstalls } from '../queues/live-feed';
import { enqueueInstallRollups, installDaysOf } from '../queues/rollups';
import type { JobPayloads } from '../queues/registry';
import { isLastAttempt } from '../queues/attempts';
import { openEvents } from '../queues/sealed-events';
import type { Services } from '../services';

/** The stored form of an install event: the raw IP becomes a keyed hash and a place; the user agent a git version and an OS. */
export function enrichInstall(appSecret: string, event: InstallEvent): InstallRow {
  const place = locate(event.ip);
  return {
    event_id: event.id,
    package_id: event.packageId,
    occurred_at: new Date(event.at),
    event_type: event.type,
    session_id: event.sessionId,
    hashed_ip: hashIp(appSecret, event.ip),
    country_code: place.countryCode,
    city: place.city,
    os: gitOs(event.userAgent),
    git_version: gitVersion(event.userAgent),
    subpath: event.subpath,
    delivered: event.delivered ?? false,
    install_id: event.installId ?? null,
  };
}

/** A job's payload, or plain events (direct callers such as tests, and jobs queued before events were sealed). */
export type InstallBatchInput = JobPayloads['ingest-installs'] | { events: InstallEvent[] };

function rowsOf(appSecret: string, data: InstallBatchInput): InstallRow[] {
  if ('stored' in data) return data.stored.map(installFromJson);
  const events = 'sealed' in data ? openEvents<InstallEvent>(appSecret, data.sealed) : data.events;
  return events.map((event) => enrichInstall(appSecret, event));
}

/** Processor of `ingest-installs`: enrich a batch of install events, store each once, move the package counters. */
export async function ingestInstalls(services: Services, data: InstallBatchInput, job?: Job<JobPayloads['ingest-installs']>): Promise<number> {
  const rows = rowsOf(services.config.appSecret, data);
  let stored: number;
  try {
    stored = await storeInstalls(services.db, rows);
  } catch (err) {
    // As for clicks: a job that fails for good keeps the enriched rows, not the raw events.
    if (job && isLastAttempt(job) && !('stored' in data)) {
      await job.updateData({ stored: rows.map(installToJson) }).catch(() => undefined);
    }
    throw err;
  }
  // After the commit, so a rollup never misses the rows it was asked for. Recomputing is
  // idempotent, so a redelivered batch asking again is harmless; if Redis refuses, the periodic
  // catch-up recomputes recent days anyway.
  try {
    await enqueueInstallRollups(services, installDaysOf(rows));
  } catch (err) {
    services.logger.warn({ category: 'installs', err: (err as Error).message }, 'could not queue install rollups; the catch-up will');
  }
  if (stored > 0) await publishInstalls(services, rows); // never throws
  return stored;
}
