/**
 * The one table of what each plan may do. Every feature gate in the code asks `planAllows`;
 * no other module compares plan names.
 */
export const PLANS = ['free', 'pro', 'enterprise'] as const;
export type Plan = (typeof PLANS)[number];

export const FEATURES = ['api', 'scheduling', 'variants', 'conversions', 'bulk_import', 'webhooks', 'targeting', 'custom_domains'] as const;
export type Feature = (typeof FEATURES)[number];

const PLAN_FEATURES: Record<Plan, ReadonlySet<Feature>> = {
  free: new Set<Feature>(['api']),
  pro: new Set<Feature>(['api', 'scheduling', 'variants', 'conversions', 'targeting', 'custom_domains']),
  enterprise: new Set<Feature>(['api', 'scheduling', 'variants', 'conversions', 'bulk_import', 'webhooks', 'targeting', 'custom_domains']),
};

/** API requests each user may make per UTC day, per plan. */
export const DAILY_REQUEST_LIMIT: Record<Plan, number> = { free: 1000, pro: 1000, enterprise: 1000 };

export function planAllows(plan: Plan, feature: Feature): boolean {
  return PLAN_FEATURES[plan].has(feature);
}

/** The plans that include a feature, cheapest first (the order of PLANS): what a gated page names. */
export function plansWith(feature: Feature): Plan[] {
  return PLANS.filter((plan) => planAllows(plan, feature));
}

export function isPlan(value: string): value is Plan {
  return (PLANS as readonly string[]).includes(value);
}
