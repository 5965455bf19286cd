import { planAllows, type Feature, type Plan } from '../lib/plans';
import { ApiError } from '../api/errors';

/** 403 in the caller's envelope when the plan lacks the feature (plans.ts decides). */
export function requireFeature(plan: Plan, feature: Feature): void {
  if (!planAllows(plan, feature)) throw new ApiError(403, 'Feature not available on your plan');
}
