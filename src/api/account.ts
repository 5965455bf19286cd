import { z } from 'zod';
import { DAILY_REQUEST_LIMIT, FEATURES, PLANS, planAllows, plansWith } from '../lib/plans';
import { SCOPES } from '../lib/tokens';
import { requestsToday } from './rate-limit';
import type { ApiRouter } from './route';
import { presentUser, userObject } from './sessions.schema';

const accountAnswer = z.object({
  success: z.literal(true),
  user: userObject,
  plan: z.object({
    name: z.string(),
    features: z.record(z.enum(FEATURES), z.boolean()),
    /** From the one plan table, so a client names the plan a gated feature needs without its own copy of the rules. */
    feature_plans: z.record(z.enum(FEATURES), z.array(z.enum(PLANS))).describe('For each feature, the plans that include it, cheapest first'),
  }),
  usage: z.object({ requests_today: z.number().int(), daily_limit: z.number().int() }),
  /** What this caller may do: the token's scopes, or every scope for a browser session. */
  scopes: z.array(z.string()),
});

export function registerAccountRoutes(api: ApiRouter): void {
  api.add({
    method: 'get',
    path: '/api/v1/account',
    tag: 'Accounts',
    summary: 'Your account: user, plan and what it allows, today\'s API requests against the daily limit',
    // Any token may read the account it belongs to.
    auth: SCOPES,
    responses: { 200: { description: 'The account', schema: accountAnswer } },
    handler: async ({ auth, res, services }) => {
      const [today] = await requestsToday(services, [auth.user.id]);
      res.json({
        success: true,
        user: presentUser(auth.user),
        plan: {
          name: auth.user.plan,
          features: Object.fromEntries(FEATURES.map((f) => [f, planAllows(auth.user.plan, f)])),
          feature_plans: Object.fromEntries(FEATURES.map((f) => [f, plansWith(f)])),
        },
        usage: { requests_today: today ?? 0, daily_limit: DAILY_REQUEST_LIMIT[auth.user.plan] },
        scopes: [...auth.scopes],
      });
    },
  });
}
