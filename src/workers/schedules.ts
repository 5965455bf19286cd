import { scheduleJobMaintenance } from '../jobs/schedule';
import { scheduleInstallRollupCatchUp } from '../queues/install-rollups';
import type { Services } from '../services';
import { scheduleWebhookMaintenance } from '../webhooks/schedule';
import { scheduleAnalyticsJobs } from './analytics-schedules';
import { scheduleFailedJobPrune } from './prune-failed-jobs';

/**
 * Every repeating job, registered by worker processes at start (never by tests' stacks, so a
 * drained queue stays drained). Each registration is an upsert, so every worker may do it;
 * one that fails (Redis away) is logged and the next worker start registers it.
 */
const SCHEDULES: Array<[name: string, register: (services: Services) => Promise<unknown>]> = [
  ['click analytics', scheduleAnalyticsJobs],
  ['install rollup catch-up', scheduleInstallRollupCatchUp],
  ['webhook maintenance', scheduleWebhookMaintenance],
  ['job maintenance', scheduleJobMaintenance],
  ['failed-job prune', scheduleFailedJobPrune],
];

export function registerSchedules(services: Services): void {
  for (const [name, register] of SCHEDULES) {
    register(services).catch((err: unknown) => services.logger.error({ category: 'jobs', schedule: name, err: (err as Error).message }, 'could not register a repeating job'));
  }
}
