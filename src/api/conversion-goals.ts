import { z } from 'zod';
import { deleteGoal, findUserGoal, insertGoal, listGoals, updateGoal, type GoalWithCount } from '../db/conversion-goal-store';
import type { Authenticated } from '../db/token-store';
import { mintPostbackToken, postbackUrl } from '../lib/postback-tokens';
import type { Services } from '../services';
import { createGoalBody, goalObject, goalWithSecret, presentGoal, updateGoalBody } from './conversion-goals.schema';
import { ApiError } from './errors';
import { successMessage } from './envelopes.schema';
import { requireFeature } from '../domain/feature-gate';
import type { ApiRouter } from './route';
import { idParam } from '../lib/schemas';

/**
 * Conversion goals: what a merchant's server reports conversions against. Each goal has a
 * secret postback token, stored only as its SHA-256 and shown once (on creation or rotation),
 * with the postback URL that embeds it. Deleting a goal deletes its conversions; deactivating
 * it (active: false) keeps them and makes its postbacks answer 410.
 */

const goalParams = z.object({ id: idParam });
const SHOWN_ONCE = 'Store this postback token securely - it will not be shown again.';
const goalResponse = z.object({ success: z.literal(true), conversion_goal: goalObject }).meta({ id: 'ConversionGoalResponse' });
const goalWithSecretResponse = z.object({ success: z.literal(true), conversion_goal: goalWithSecret, message: z.string() })
  .meta({ id: 'ConversionGoalWithSecretResponse', description: 'A goal just minted or rotated: its postback token, shown this once' });

async function ownedGoal(services: Services, auth: Authenticated, id: number): Promise<GoalWithCount> {
  const goal = await findUserGoal(services.db, auth.user.id, id);
  if (!goal) throw new ApiError(404, 'Conversion goal not found');
  return goal;
}

function withSecret(services: Services, goal: GoalWithCount, token: string) {
  return { ...presentGoal(goal), postback_token: token, postback_url: postbackUrl(services.config.publicBaseUrl, token) };
}

export function registerConversionGoalRoutes(api: ApiRouter): void {
  const gated = { 403: { description: 'Feature not available on your plan, or the token lacks conversions:manage' } };

  api.add({
    method: 'get',
    path: '/api/v1/conversion_goals',
    tag: 'Conversions',
    summary: 'List conversion goals',
    auth: 'conversions:manage',
    responses: { 200: { description: 'The goals', schema: z.object({ success: z.literal(true), conversion_goals: z.array(goalObject) }) }, ...gated },
    handler: async ({ auth, res, services }) => {
      requireFeature(auth.user.plan, 'conversions');
      res.json({ success: true, conversion_goals: (await listGoals(services.db, auth.user.id)).map(presentGoal) });
    },
  });

  api.add({
    method: 'post',
    path: '/api/v1/conversion_goals',
    tag: 'Conversions',
    summary: 'Create a conversion goal (its postback token is shown once)',
    auth: 'conversions:manage',
    body: createGoalBody,
    responses: {
      201: { description: 'Created', schema: goalWithSecretResponse },
      ...gated,
      422: { description: 'Validation failed' },
    },
    handler: async ({ body, auth, res, services }) => {
      requireFeature(auth.user.plan, 'conversions');
      const minted = mintPostbackToken();
      const row = await insertGoal(services.db, auth.user.id, body.conversion_goal, { hash: minted.hash, prefix: minted.prefix });
      res.status(201).json({ success: true, conversion_goal: withSecret(services, { ...row, conversion_count: 0 }, minted.token), message: SHOWN_ONCE });
    },
  });

  api.add({
    method: 'get',
    path: '/api/v1/conversion_goals/:id',
    tag: 'Conversions',
    summary: 'Get one conversion goal',
    auth: 'conversions:manage',
    params: goalParams,
    responses: { 200: { description: 'The goal', schema: goalResponse }, ...gated, 404: { description: 'No such goal' } },
    handler: async ({ params, auth, res, services }) => {
      requireFeature(auth.user.plan, 'conversions');
      res.json({ success: true, conversion_goal: presentGoal(await ownedGoal(services, auth, params.id)) });
    },
  });

  api.add({
    method: 'patch',
    path: '/api/v1/conversion_goals/:id',
    tag: 'Conversions',
    summary: 'Change a conversion goal (name, default_value, currency, active)',
    auth: 'conversions:manage',
    params: goalParams,
    body: updateGoalBody,
    responses: {
      200: { description: 'Updated', schema: goalResponse },
      ...gated,
      404: { description: 'No such goal' },
      422: { description: 'Validation failed' },
    },
    handler: async ({ params, body, auth, res, services }) => {
      requireFeature(auth.user.plan, 'conversions');
      if (!(await updateGoal(services.db, auth.user.id, params.id, body.conversion_goal))) throw new ApiError(404, 'Conversion goal not found');
      res.json({ success: true, conversion_goal: presentGoal(await ownedGoal(services, auth, params.id)) });
    },
  });

  api.add({
    method: 'post',
    path: '/api/v1/conversion_goals/:id/rotate_token',
    tag: 'Conversions',
    summary: 'Replace the postback token (the old one stops working at once; the new one is shown once)',
    auth: 'conversions:manage',
    params: goalParams,
    responses: {
      200: { description: 'Rotated', schema: goalWithSecretResponse },
      ...gated,
      404: { description: 'No such goal' },
    },
    handler: async ({ params, auth, res, services }) => {
      requireFeature(auth.user.plan, 'conversions');
      const minted = mintPostbackToken();
      if (!(await updateGoal(services.db, auth.user.id, params.id, { postback_token_hash: minted.hash, token_prefix: minted.prefix }))) {
        throw new ApiError(404, 'Conversion goal not found');
      }
      const goal = await ownedGoal(services, auth, params.id);
      res.json({ success: true, conversion_goal: withSecret(services, goal, minted.token), message: SHOWN_ONCE });
    },
  });

  api.add({
    method: 'delete',
    path: '/api/v1/conversion_goals/:id',
    tag: 'Conversions',
    summary: 'Delete a conversion goal and its conversions',
    auth: 'conversions:manage',
    params: goalParams,
    responses: { 200: { description: 'Deleted', schema: successMessage }, ...gated, 404: { description: 'No such goal' } },
    handler: async ({ params, auth, res, services }) => {
      requireFeature(auth.user.plan, 'conversions');
      if (!(await deleteGoal(services.db, auth.user.id, params.id))) throw new ApiError(404, 'Conversion goal not found');
      res.json({ success: true, message: 'Conversion goal deleted successfully' });
    },
  });
}
