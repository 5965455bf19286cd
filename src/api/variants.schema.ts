import { z } from 'zod';
import type { VariantRow } from '../db/variant-store';
import { destinationUrl } from '../lib/destination-url';
import { singleLine } from '../lib/schemas';

export const MAX_VARIANTS_PER_LINK = 20;
export const MAX_WEIGHT = 1000;

const name = singleLine('Name', { error: "Name can't be blank" })
  .trim()
  .min(1, "Name can't be blank")
  .max(100, 'Name is too long (maximum is 100 characters)');

const weight = z
  .number({ error: `Weight must be a whole number from 0 to ${MAX_WEIGHT}` })
  .int(`Weight must be a whole number from 0 to ${MAX_WEIGHT}`)
  .min(0, `Weight must be a whole number from 0 to ${MAX_WEIGHT}`)
  .max(MAX_WEIGHT, `Weight must be a whole number from 0 to ${MAX_WEIGHT}`);

const active = z.boolean({ error: 'Active must be true or false' });

/** A missing or non-object `variant` gets one sentence. */
const variantObjectError = { error: (issue: { input?: unknown }) => (issue.input === undefined ? 'Variant is required' : 'Variant must be an object of variant fields') };

const createFields = z.object({
  name,
  destination_url: destinationUrl(),
  weight: weight.default(50),
  active: active.default(true),
}, variantObjectError);

const updateFields = z
  .object({ name: name.optional(), destination_url: destinationUrl().optional(), weight: weight.optional(), active: active.optional() }, variantObjectError)
  .refine((v) => Object.values(v).some((x) => x !== undefined), 'Variant must change at least one of name, destination_url, weight, active');

export const createVariantBody = z.object({ variant: createFields });

export const updateVariantBody = z.object({ variant: updateFields });

export const variantObject = z.object({
  id: z.number().int(),
  name: z.string(),
  destination_url: z.string(),
  weight: z.number().int(),
  active: z.boolean(),
  click_count: z.number().int(),
  click_percentage: z.number(),
  created_at: z.string(),
  updated_at: z.string(),
}).meta({ id: 'Variant' });
export type VariantObject = z.infer<typeof variantObject>;

/**
 * Each variant's share of the link's variant clicks, to one decimal, summing to exactly 100.0
 * whenever any variant has clicks (all 0 otherwise). Largest remainder: every share is floored
 * to a tenth, and the tenths still missing go to the largest remainders (ties: more clicks,
 * then list order), so rounding never makes the total 99.9 or 100.1.
 */
export function clickPercentages(counts: readonly number[]): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return counts.map(() => 0);
  const exact = counts.map((c) => (c * 1000) / total);
  const tenths = exact.map(Math.floor);
  let missing = 1000 - tenths.reduce((a, b) => a + b, 0);
  const order = exact
    .map((value, index) => ({ index, remainder: value - Math.floor(value), count: counts[index] as number }))
    .sort((a, b) => b.remainder - a.remainder || b.count - a.count || a.index - b.index);
  for (const { index } of order) {
    if (missing <= 0) break;
    tenths[index] = (tenths[index] as number) + 1;
    missing--;
  }
  return tenths.map((t) => t / 10);
}

export function presentVariants(rows: readonly VariantRow[]): VariantObject[] {
  const percentages = clickPercentages(rows.map((r) => r.click_count));
  return rows.map((row, i) => ({
    id: row.id,
    name: row.name,
    destination_url: row.destination_url,
    weight: row.weight,
    active: row.active,
    click_count: row.click_count,
    click_percentage: percentages[i] as number,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  }));
}
