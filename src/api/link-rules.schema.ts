import { z } from 'zod';
import type { LinkRuleRow } from '../db/link-rule-store';
import { destinationUrl } from '../lib/destination-url';
import { singleLine } from '../lib/schemas';
import { MAX_VARIANTS_PER_LINK } from './variants.schema';

export const MAX_RULES_PER_LINK = 20;
const MAX_VALUES = 50;

function list<T extends z.ZodType>(field: string, item: T) {
  return z.array(item, `${field} must be an array`).min(1, `${field} can't be empty`).max(MAX_VALUES, `${field} may list at most ${MAX_VALUES} values`);
}
const word = (field: string) => singleLine(field, { error: `${field} must be an array of strings` }).trim().min(1, `${field} can't contain a blank value`).max(64, `${field} values are at most 64 characters`);

const conditions = z
  .object({
    device: list('Device', z.enum(['desktop', 'mobile', 'tablet'], 'Device must list desktop, mobile or tablet')).optional(),
    os: list('Os', word('Os')).optional(),
    browser: list('Browser', word('Browser')).optional(),
    country: list('Country', z.string().regex(/^[A-Za-z]{2}$/, 'Country must list two-letter ISO 3166 codes').transform((c) => c.toUpperCase())).optional(),
    language: list('Language', z.string().regex(/^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/, 'Language must list language tags such as de or pt-BR').transform((l) => l.toLowerCase())).optional(),
    query: z.object({ name: word('Query name'), value: singleLine('Query value', { error: 'Query value must be a string' }).max(200, 'Query value is at most 200 characters') }, 'Query must be an object with name and value').strict().optional(),
    starts_at: z.iso.datetime({ offset: true, error: 'Starts at must be an ISO 8601 date-time with a time zone' }).transform((v) => new Date(v).toISOString()).optional(),
    ends_at: z.iso.datetime({ offset: true, error: 'Ends at must be an ISO 8601 date-time with a time zone' }).transform((v) => new Date(v).toISOString()).optional(),
  }, 'Conditions must be an object')
  .strict()
  .refine((c) => Object.values(c).some((v) => v !== undefined), 'Conditions must set at least one condition')
  .refine((c) => c.starts_at === undefined || c.ends_at === undefined || c.starts_at < c.ends_at, 'Ends at must be after starts at');

const variantIds = z
  .array(z.number('Variant ids must list variant ids (whole numbers)').int('Variant ids must list variant ids (whole numbers)').positive('Variant ids must list variant ids (whole numbers)'), 'Variant ids must be an array of variant ids')
  .min(1, "Variant ids can't be empty")
  .max(MAX_VARIANTS_PER_LINK, `Variant ids may list at most ${MAX_VARIANTS_PER_LINK} variants`)
  .refine((ids) => new Set(ids).size === ids.length, 'Variant ids must list each variant once')
  .describe("The link's variants (by id) among which the usual weighted choice is made; inactive or zero-weight ones are skipped, and a rule with none left is passed over");

const rule = z.object({
  name: singleLine('Name', { error: 'Name must be a string' }).trim().max(100, 'Name is too long (maximum is 100 characters)').nullable().optional().transform((n) => (n ? n : null)),
  conditions,
  destination_url: destinationUrl().optional(),
  variant_ids: variantIds.optional(),
}, 'Each rule must be an object with conditions and destination_url or variant_ids')
  .strict()
  .refine((r) => (r.destination_url === undefined) !== (r.variant_ids === undefined), 'Each rule must set exactly one of destination_url and variant_ids')
  .transform((r) => ({ name: r.name, conditions: r.conditions, destination_url: r.destination_url ?? null, variant_ids: r.variant_ids ?? [] }));

export const replaceRulesBody = z.object({
  rules: z.array(rule, 'Rules must be an array of rules').max(MAX_RULES_PER_LINK, `A link can have at most ${MAX_RULES_PER_LINK} rules`),
});

export const ruleObject = z.object({
  id: z.number().int(),
  position: z.number().int().describe('0-based; the first rule that matches wins'),
  name: z.string().nullable(),
  conditions: z.record(z.string(), z.unknown()),
  destination_url: z.string().nullable().describe('Where a matching visitor goes; null when the rule sends to a variant set'),
  variant_ids: z.array(z.number().int()).describe('The variant set (ascending); empty when the rule has a destination'),
}).meta({ id: 'TargetingRule' });

export const rulesResponse = z.object({ success: z.literal(true), rules: z.array(ruleObject) }).meta({ id: 'TargetingRules' });

export function presentRule(row: LinkRuleRow): z.infer<typeof ruleObject> {
  return { id: Number(row.id), position: row.position, name: row.name, conditions: { ...row.conditions }, destination_url: row.destination_url, variant_ids: row.variant_ids };
}
