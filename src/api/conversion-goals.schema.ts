import { z } from 'zod';
import type { GoalWithCount } from '../db/conversion-goal-store';
import { singleLine } from '../lib/schemas';

export const MAX_VALUE = 999_999_999_999.99;

/** Money as numeric(14,2): finite, non-negative, below 10^12. */
export function moneyValue(field: string) {
  return z
    .number({ error: `${field} must be a number` })
    .finite(`${field} must be a number`)
    .min(0, `${field} must not be negative`)
    .max(MAX_VALUE, `${field} is too large`);
}

/** ISO 4217-style code: three letters, stored upper-case ("usd" is accepted as "USD"). */
export const currencyCode = singleLine('Currency', 'Currency must be a 3-letter code')
  .trim()
  .regex(/^[A-Za-z]{3}$/, 'Currency must be a 3-letter code')
  .transform((v) => v.toUpperCase());

const name = singleLine('Name', { error: "Name can't be blank" }).trim().min(1, "Name can't be blank").max(100, 'Name is too long (maximum is 100 characters)');
const active = z.boolean({ error: 'Active must be true or false' });

/** Rails-style wrapper: a missing or non-object `conversion_goal` gets one sentence. */
const goalObjectError = { error: (issue: { input?: unknown }) => (issue.input === undefined ? 'Conversion goal is required' : 'Conversion goal must be an object of goal fields') };

const createFields = z.object({
  name,
  default_value: moneyValue('Default value').nullable().default(null),
  currency: currencyCode.default('USD'),
  active: active.default(true),
}, goalObjectError);

const updateFields = z
  .object({ name: name.optional(), default_value: moneyValue('Default value').nullable().optional(), currency: currencyCode.optional(), active: active.optional() }, goalObjectError)
  .refine((v) => Object.values(v).some((x) => x !== undefined), 'Conversion goal must change at least one of name, default_value, currency, active');

export const createGoalBody = z.object({ conversion_goal: createFields });

export const updateGoalBody = z.object({ conversion_goal: updateFields });

export const goalObject = z.object({
  id: z.number().int(),
  name: z.string(),
  default_value: z.number().nullable(),
  currency: z.string(),
  active: z.boolean(),
  token_prefix: z.string().describe('First characters of the postback token, to recognise it; the token itself is shown only when minted'),
  conversion_count: z.number().int(),
  created_at: z.string(),
  updated_at: z.string(),
}).meta({ id: 'ConversionGoal' });
export type GoalObject = z.infer<typeof goalObject>;

/** Only on creation and rotation: the secret and the URL to give the merchant's server. */
export const goalWithSecret = goalObject.extend({ postback_token: z.string(), postback_url: z.string() }).meta({ id: 'ConversionGoalWithSecret' });

export function presentGoal(goal: GoalWithCount): GoalObject {
  return {
    id: goal.id,
    name: goal.name,
    default_value: goal.default_value,
    currency: goal.currency,
    active: goal.active,
    token_prefix: goal.token_prefix,
    conversion_count: Number(goal.conversion_count),
    created_at: goal.created_at.toISOString(),
    updated_at: goal.updated_at.toISOString(),
  };
}
