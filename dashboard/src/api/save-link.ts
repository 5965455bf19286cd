import { api, ApiFailure, messageOf, ok } from './client';
import type { paths } from './schema';

/**
 * Saving the link form: the link, then its variants, then its targeting rules, then the removed
 * variants' deletions, each its own call. Everything is checked before the first call, so a
 * mistake in a variant or a rule never
 * leaves a link half written; a call that fails anyway (the server refused, the network went)
 * is reported with what was already saved, and the caller goes on editing that link, so saving
 * again never creates a second one.
 */

export type Link = paths['/api/v1/links']['get']['responses'][200]['content']['application/json']['links'][number];
export type Rule = paths['/api/v1/links/{id}/rules']['get']['responses'][200]['content']['application/json']['rules'][number];
type RuleBody = NonNullable<paths['/api/v1/links/{id}/rules']['put']['requestBody']>['content']['application/json']['rules'][number];
type CreateBody = NonNullable<paths['/api/v1/links']['post']['requestBody']>['content']['application/json'];
export type LinkFields = Omit<CreateBody['link'], 'short_code'>;

export const DEVICES = ['desktop', 'mobile', 'tablet'] as const;
export type Device = (typeof DEVICES)[number];
const MAX_WEIGHT = 1000;

export interface VariantDraft {
  id?: number;
  name: string;
  destination_url: string;
  weight: number;
  click_percentage?: number;
}

/** A rule as the form edits it: lists as comma-separated text, times as datetime-local values. */
export interface RuleDraft {
  key: number;
  name: string;
  /** Where a matching visitor goes: the destination below, or a weighted choice among variant_ids. */
  target: 'destination' | 'variants';
  destination_url: string;
  variant_ids: number[];
  device: Device[];
  country: string;
  language: string;
  os: string;
  browser: string;
  query_name: string;
  query_value: string;
  starts_at: string;
  ends_at: string;
}

export interface LinkDraft {
  fields: LinkFields;
  short_code: string;
  /** A string sets the password, null removes it, absent keeps it. */
  password?: string | null;
  variants: VariantDraft[];
  removedVariants: number[];
  /** undefined: the rules are not touched (unchanged, or the plan has no targeting). */
  rules?: RuleDraft[];
}

/** ISO instant → the value of a datetime-local input (local time), and back. */
export function toLocal(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}
export function fromLocal(value: string): string | null {
  return value ? new Date(value).toISOString() : null;
}

function listOf(text: string): string[] {
  return text.split(',').map((t) => t.trim()).filter(Boolean);
}

function isWebUrl(text: string): boolean {
  try {
    const url = new URL(text.trim());
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

let nextKey = 1;
export function emptyRule(destination: string): RuleDraft {
  return { key: nextKey++, name: '', target: 'destination', destination_url: destination, variant_ids: [], device: [], country: '', language: '', os: '', browser: '', query_name: '', query_value: '', starts_at: '', ends_at: '' };
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

export function ruleDraft(rule: Rule, destination: string): RuleDraft {
  const c = rule.conditions;
  const query = (c.query ?? {}) as { name?: unknown; value?: unknown };
  return {
    ...emptyRule(rule.destination_url ?? destination),
    name: rule.name ?? '',
    ...(rule.destination_url === null ? { target: 'variants' as const, variant_ids: rule.variant_ids } : {}),
    device: strings(c.device).filter((d): d is Device => (DEVICES as readonly string[]).includes(d)),
    country: strings(c.country).join(', '),
    language: strings(c.language).join(', '),
    os: strings(c.os).join(', '),
    browser: strings(c.browser).join(', '),
    query_name: typeof query.name === 'string' ? query.name : '',
    query_value: typeof query.value === 'string' ? query.value : '',
    starts_at: typeof c.starts_at === 'string' ? toLocal(c.starts_at) : '',
    ends_at: typeof c.ends_at === 'string' ? toLocal(c.ends_at) : '',
  };
}

export function ruleBody(r: RuleDraft): RuleBody {
  const conditions: RuleBody['conditions'] = {};
  if (r.device.length) conditions.device = r.device;
  if (listOf(r.country).length) conditions.country = listOf(r.country);
  if (listOf(r.language).length) conditions.language = listOf(r.language);
  if (listOf(r.os).length) conditions.os = listOf(r.os);
  if (listOf(r.browser).length) conditions.browser = listOf(r.browser);
  if (r.query_name.trim()) conditions.query = { name: r.query_name.trim(), value: r.query_value };
  const starts = fromLocal(r.starts_at);
  const ends = fromLocal(r.ends_at);
  if (starts) conditions.starts_at = starts;
  if (ends) conditions.ends_at = ends;
  const target = r.target === 'variants' ? { variant_ids: r.variant_ids } : { destination_url: r.destination_url.trim() };
  return { name: r.name.trim() || null, ...target, conditions };
}

/** Every mistake the form can see before saving anything, in words; empty when it may save. */
export function checkDraft(draft: LinkDraft): string[] {
  const problems: string[] = [];
  if (!isWebUrl(draft.fields.destination_url)) problems.push('Destination URL must be a web address starting with http:// or https://');
  const { scheduled_start_at: start, scheduled_end_at: end } = draft.fields;
  if (start && end && start >= end) problems.push('The schedule must end after it starts');
  draft.variants.forEach((v, i) => {
    const which = `Variant ${i + 1}`;
    if (!v.name.trim()) problems.push(`${which} needs a name`);
    if (!isWebUrl(v.destination_url)) problems.push(`${which} destination must be a web address starting with http:// or https://`);
    if (!Number.isInteger(v.weight) || v.weight < 0 || v.weight > MAX_WEIGHT) problems.push(`${which} weight must be a whole number from 0 to ${MAX_WEIGHT}`);
  });
  (draft.rules ?? []).forEach((r, i) => {
    const which = `Rule ${i + 1}`;
    const body = ruleBody(r);
    if (r.target === 'destination' && !isWebUrl(r.destination_url)) problems.push(`${which} destination must be a web address starting with http:// or https://`);
    if (r.target === 'variants' && r.variant_ids.length === 0) problems.push(`${which} needs at least one variant`);
    if (Object.keys(body.conditions).length === 0) problems.push(`${which} needs at least one condition`);
    if (listOf(r.country).some((c) => !/^[A-Za-z]{2}$/.test(c))) problems.push(`${which}: countries are two-letter codes such as DE or US`);
    if (listOf(r.language).some((l) => !/^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/.test(l))) problems.push(`${which}: languages are tags such as de or pt-BR`);
    if (body.conditions.starts_at && body.conditions.ends_at && body.conditions.starts_at >= body.conditions.ends_at) problems.push(`${which} must end after it starts`);
  });
  return problems;
}

/** What has been saved so far, reported as it happens so the form can go on from there. */
export interface SaveProgress {
  linkSaved(link: Link): void;
  variantSaved(index: number, id: number): void;
  variantRemoved(id: number): void;
  rulesSaved(): void;
}

async function step<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw new ApiFailure(err instanceof ApiFailure ? err.status : 0, `${what} failed: ${messageOf(err)}`);
  }
}

export async function saveLink(draft: LinkDraft, saved: Link | undefined, progress: SaveProgress): Promise<Link> {
  const password = draft.password !== undefined ? { password: draft.password } : {};
  const code = draft.short_code.trim();
  const link = saved
    ? (await ok(api.PATCH('/api/v1/links/{id}', { params: { path: { id: String(saved.id) } }, body: { link: { ...draft.fields, ...(code && code !== saved.short_code ? { short_code: code } : {}) }, ...password } }))).link
    : (await ok(api.POST('/api/v1/links', { body: { link: { ...draft.fields, short_code: code || null }, ...password } }))).link;
  progress.linkSaved(link);
  const done = saved ? 'The link was saved' : `The link /${link.short_code} was created`;
  const path = { link_id: String(link.id) };
  for (const [i, v] of draft.variants.entries()) {
    const body = { variant: { name: v.name.trim(), destination_url: v.destination_url.trim(), weight: v.weight } };
    if (v.id === undefined) {
      const created = await step(`${done}, but adding variant ${i + 1}`, () => ok(api.POST('/api/v1/links/{link_id}/variants', { params: { path }, body })));
      progress.variantSaved(i, created.variant.id);
    } else {
      const id = v.id;
      await step(`${done}, but saving variant ${i + 1}`, () => ok(api.PATCH('/api/v1/links/{link_id}/variants/{variant_id}', { params: { path: { ...path, variant_id: String(id) } }, body })));
    }
  }
  if (draft.rules) {
    const rules = draft.rules.map(ruleBody);
    await step(`${done}, but saving the targeting rules`, () => ok(api.PUT('/api/v1/links/{id}/rules', { params: { path: { id: String(link.id) } }, body: { rules } })));
    progress.rulesSaved();
  }
  // After the rules: a variant still in a rule's set cannot be deleted, and the form has taken removed ones out of the sets.
  for (const variantId of draft.removedVariants) {
    await step(`${done}, but removing a variant`, () => ok(api.DELETE('/api/v1/links/{link_id}/variants/{variant_id}', { params: { path: { ...path, variant_id: String(variantId) } } })));
    progress.variantRemoved(variantId);
  }
  return link;
}
