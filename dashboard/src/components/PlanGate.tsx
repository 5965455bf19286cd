import type { ComponentChildren } from 'preact';
import { account, type Account, type Feature } from '../api/accounts';
import { ErrorNote, Loading, useLoad } from './ui';

/**
 * A feature the plan may lack: its controls when the plan includes it, else a sentence naming
 * the plans that do. Which plans those are comes from the account endpoint (the server's one
 * plan table); this file only knows how to say each feature's name.
 */

const SAID: Record<Feature, string> = {
  api: 'API access is',
  scheduling: 'Scheduling is',
  variants: 'Variants are',
  conversions: 'Conversion tracking is',
  bulk_import: 'Bulk import is',
  webhooks: 'Webhooks are',
  targeting: 'Targeting rules are',
};

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
  return `${SAID[feature]} ${where}; you are on the ${planName(a.plan.name)} plan.`;
}

export function useAccount() {
  return useLoad(() => account(), []);
}

export function PlanGate({ feature, children }: { feature: Feature; children: ComponentChildren }) {
  const acct = useAccount();
  if (!acct.data) return acct.error ? <ErrorNote error={acct.error} /> : <Loading what="your plan" />;
  if (acct.data.plan.features[feature]) return <>{children}</>;
  return <p class="notice plan-gate">{gateSentence(acct.data, feature)} An administrator can change plans on the Admin page.</p>;
}
