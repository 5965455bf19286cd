import { listDomains } from '../api/domains';
import { useAccount } from './PlanGate';
import { ErrorNote, Field, useLoad } from './ui';

/**
 * Which host a link's short code lives on: the default domain or one of the account's verified
 * domains; nothing at all for an account without domains. It reads the domains itself, after
 * the form is shown, so the form never unmounts under a person already typing in it. The
 * link's current domain stays listed even when it is not active (a link put on a pending domain
 * through the API), so saving the form never moves the link by accident.
 */
export function DomainSelect({ value, onChange }: { value: string; onChange: (hostname: string) => void }) {
  const acct = useAccount();
  const enabled = Boolean(acct.data?.plan.features.custom_domains);
  const list = useLoad(async () => (enabled ? listDomains() : []), [enabled]);
  if (list.error) return <ErrorNote error={list.error} />;
  const domains = list.data ?? [];
  if (domains.length === 0) return null;
  const choices = domains.filter((d) => d.status === 'active' || d.hostname === value);
  const waiting = domains.some((d) => d.status !== 'active' && d.hostname !== value);
  return (
    <Field label="Domain" hint={waiting ? 'Domains still being verified appear here once active (see Domains).' : 'The host of the short URL.'}>
      <select name="domain" value={value} onChange={(e) => onChange(e.currentTarget.value)}>
        <option value="">Default domain ({location.host})</option>
        {choices.map((d) => <option key={d.id} value={d.hostname}>{d.hostname}{d.status === 'active' ? '' : ' (not verified yet)'}</option>)}
      </select>
    </Field>
  );
}
