import { planAllows, type Feature, type Plan } from '../lib/plans';
import { DomainError } from './errors';

/** Refuses what the plan lacks (lib/plans.ts decides); each surface answers it in its envelope (a 403 in the API). */
export function requireFeature(plan: Plan, feature: Feature): void {
  if (!planAllows(plan, feature)) throw new DomainError('forbidden_by_plan', 'Feature not available on your plan');
}
