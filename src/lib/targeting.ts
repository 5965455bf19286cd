/** The conditions of a targeting rule, as stored (jsonb) and as the API shows them. Every present condition must hold. */
export interface RuleConditions {
  device?: Array<'desktop' | 'mobile' | 'tablet'>;
  os?: string[];
  browser?: string[];
  /** ISO 3166-1 alpha-2, upper case. */
  country?: string[];
  /** Language tags, lower case: "de" matches de, de-CH…; "pt-br" only pt-BR. */
  language?: string[];
  query?: { name: string; value: string };
  /** ISO 8601 instants: the rule holds from starts_at (inclusive) until ends_at (exclusive). */
  starts_at?: string;
  ends_at?: string;
}
