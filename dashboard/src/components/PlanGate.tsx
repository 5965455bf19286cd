import type { ComponentChildren } from 'preact';
import { account, type Account, type Feature } from '../api/accounts';
import { ErrorNote, Loading, useLoad } from './ui';

/**
 * A feature the plan may lack: its controls when the plan includes it, else a sentence naming
 * the plans that do. Which plans those are comes from the account endpoint (the server's one
 * plan table); this file only knows how to say each feature's name.
 */

/** Each feature's name for people, and the verb it takes ("Variants are", "Scheduling is"). */
const NAMES: Record<Feature, readonly [name: string, verb: 'is' | 'are']> = {
  api: ['API access', 'is'],
  scheduling: ['Scheduling', 'is'],
  variants: ['Variants', 'are'],
  conversions: ['Conversion tracking', 'is'],
  bulk_import: ['Bulk import', 'is'],
  webhooks: ['Webhooks', 'are'],
  targeting: ['Targeting rules', 'are'],
  custom_domains: ['Custom domains', 'are'],
};

// The server's feature list types as any string here, so a feature it gained after this table
// (custom_domains once read "undefined part of the … plans") still reads as words.
function named(feature: Feature): readonly [string, 'is' | 'are'] {
  const key = String(feature);
  return NAMES[feature] ?? [key.charAt(0).toUpperCase() + key.slice(1).replace(/_/g, ' '), 'is'];
}

export function featureName(feature: Feature): string {
  return named(feature)[0];
}

export function planName(plan: string): string {
  return plan.charAt(0).toUpperCase() + plan.slice(1);
}

function list(names: string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1) ?? ''}`;
}

/** "Variants are part of the Pro and Enterprise plans; you are on the Free plan." */
export function gateSentence(a: Account, feature: Feature): string {
  const plans = (a.plan.feature_plans[feature] ?? []).map(planName);
  const where = plans.length === 0 ? 'not part of any plan on this server' : `part of the ${list(plans)} plan${plans.length > 1 ? 's' : ''}`;
  const [name, verb] = named(feature);
  return `${name} ${verb} ${where}; you are on the ${planName(a.plan.name)} plan.`;
}

export function useAccount() {
  return useLoad(() => account(), []);
}

/** `silent`: nothing at all without the feature, where another gate on the page already says why. */
export function PlanGate({ feature, silent = false, children }: { feature: Feature; silent?: boolean; children: ComponentChildren }) {
  const acct = useAccount();
  if (!acct.data) return acct.error ? <ErrorNote error={acct.error} /> : <Loading what="your plan" />;
  if (acct.data.plan.features[feature]) return <>{children}</>;
  if (silent) return null;
  return <p class="notice plan-gate">{gateSentence(acct.data, feature)} An administrator can change plans on the Admin page.</p>;
}
