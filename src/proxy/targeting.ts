import type { IncomingMessage } from 'node:http';
import type { LinkRuleRow } from '../db/link-rule-store';
import { clientIp } from '../lib/client-ip';
import { canonicalIp } from '../lib/enrichment';
import { locate } from '../lib/geo';
import { parseAgent, type AgentInfo } from '../lib/user-agent';
import { queryOf } from '../lib/url-path';
import type { CachedVariant } from './variant-choice';

/**
 * A targeting rule compiled for the edge when its link is cached: sets and epoch numbers, no
 * parsing per click. Every field is always present (undefined when the rule does not use it):
 * one object shape for all rules keeps the per-click checks' property reads monomorphic.
 */
export interface CachedRule {
  id: number;
  /** UTM-merged, like the link's own destination; undefined when the rule sends to a variant set. */
  destination: string | undefined;
  /** The rule's variant set: its active variants with weight, among which the usual weighted choice is made. */
  variants: readonly CachedVariant[] | undefined;
  device: ReadonlySet<string> | undefined;
  os: ReadonlySet<string> | undefined;
  browser: ReadonlySet<string> | undefined;
  country: ReadonlySet<string> | undefined;
  /** Language tags and their `tag-` prefixes, built once (no string is built per click). */
  language: ReadonlyArray<{ tag: string; prefix: string }> | undefined;
  query: { name: string; value: string } | undefined;
  startsAt: number | undefined;
  endsAt: number | undefined;
}

export interface CachedRules {
  list: CachedRule[];
  /** Parse the user agent only when a rule asks about device, OS or browser. */
  needsAgent: boolean;
  /** Geolocate only links that have a country rule (the database loads on first use). */
  needsCountry: boolean;
}

const lower = (values: readonly string[] | undefined) => (values ? new Set(values.map((v) => v.toLowerCase())) : undefined);

/** A destination rule's destination, or its variant set narrowed to what can be chosen; null when nothing can (the rule is passed over). */
function targetOf(row: LinkRuleRow, destinationOf: (url: string) => string, variants: readonly CachedVariant[]): Pick<CachedRule, 'destination' | 'variants'> | null {
  if (row.destination_url !== null) return { destination: destinationOf(row.destination_url), variants: undefined };
  const listed = new Set(row.variant_ids);
  const set = variants.filter((v) => listed.has(v.id) && v.weight > 0);
  return set.length > 0 ? { destination: undefined, variants: set } : null;
}

/** `variants`: the link's active variants as the edge holds them (none when the owner's plan has no A/B testing). */
export function compileRules(rows: readonly LinkRuleRow[], destinationOf: (url: string) => string, variants: readonly CachedVariant[] = []): CachedRules | undefined {
  const list = rows.flatMap((row): CachedRule[] => {
    const target = targetOf(row, destinationOf, variants);
    if (target === null) return [];
    const c = row.conditions;
    return [{
      id: Number(row.id),
      destination: target.destination,
      variants: target.variants,
      device: c.device ? new Set(c.device) : undefined,
      os: lower(c.os),
      browser: lower(c.browser),
      country: c.country ? new Set(c.country) : undefined,
      language: c.language?.map((tag) => ({ tag, prefix: `${tag}-` })),
      query: c.query,
      startsAt: c.starts_at ? Date.parse(c.starts_at) : undefined,
      endsAt: c.ends_at ? Date.parse(c.ends_at) : undefined,
    }];
  });
  if (list.length === 0) return undefined;
  return {
    list,
    needsAgent: list.some((r) => r.device || r.os || r.browser),
    needsCountry: list.some((r) => r.country),
  };
}

const NO_TAGS: readonly string[] = [];

/** What the rules ask of one request, each worked out at most once and only when a rule asks. */
class Visitor {
  private agent?: AgentInfo;
  private osLower?: string;
  private browserLower?: string;
  private country?: string | null;
  private languages?: readonly string[];
  /** null: the URL has no query (most clicks), so nothing is parsed. */
  private query?: URLSearchParams | null;

  constructor(private readonly req: IncomingMessage, private readonly trustedHops: number) {}

  agentInfo(): AgentInfo {
    this.agent ??= parseAgent(this.req.headers['user-agent'] ?? '');
    return this.agent;
  }

  /** The OS and browser families in lower case, lowered once per request. */
  osFamily(): string {
    this.osLower ??= this.agentInfo().osFamily?.toLowerCase() ?? '';
    return this.osLower;
  }

  browserFamily(): string {
    this.browserLower ??= this.agentInfo().browserFamily?.toLowerCase() ?? '';
    return this.browserLower;
  }

  countryCode(): string | null {
    if (this.country === undefined) this.country = locate(canonicalIp(clientIp(this.req, this.trustedHops))).countryCode;
    return this.country;
  }

  /** Accept-Language tags, lower case, without their weights (any listed language counts). */
  languageTags(): readonly string[] {
    const header = this.req.headers['accept-language'];
    if (header === undefined) return NO_TAGS; // most requests that are not browsers'
    this.languages ??= header.toLowerCase().split(',').map((part) => part.split(';')[0]!.trim()).filter((t) => t !== '' && t !== '*');
    return this.languages;
  }

  queryParam(name: string): string | null {
    if (this.query === undefined) {
      const query = queryOf(this.req.url ?? '/');
      this.query = query === '' ? null : new URLSearchParams(query);
    }
    return this.query === null ? null : this.query.get(name);
  }
}

function speaks(tags: readonly string[], wanted: { tag: string; prefix: string }): boolean {
  for (const tag of tags) if (tag === wanted.tag || tag.startsWith(wanted.prefix)) return true;
  return false;
}

function matches(rule: CachedRule, visitor: Visitor, now: number): boolean {
  if (rule.startsAt !== undefined && now < rule.startsAt) return false;
  if (rule.endsAt !== undefined && now >= rule.endsAt) return false;
  if (rule.query && visitor.queryParam(rule.query.name) !== rule.query.value) return false;
  if (rule.device && !rule.device.has(visitor.agentInfo().deviceType)) return false;
  if (rule.os && !rule.os.has(visitor.osFamily())) return false;
  if (rule.browser && !rule.browser.has(visitor.browserFamily())) return false;
  if (rule.language && !rule.language.some((l) => speaks(visitor.languageTags(), l))) return false;
  if (rule.country && !rule.country.has(visitor.countryCode() ?? '')) return false;
  return true;
}

/** The first rule the request matches, or null. Pure apart from the request: the clock is an argument; no I/O. */
export function matchRule(rules: CachedRules, req: IncomingMessage, now: number, trustedHops: number): CachedRule | null {
  const visitor = new Visitor(req, trustedHops);
  for (const rule of rules.list) if (matches(rule, visitor, now)) return rule;
  return null;
}
