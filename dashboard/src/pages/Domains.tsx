import { useEffect, useState } from 'preact/hooks';
import { addDomain, listDomains, type Domain, type RedirectFields } from '../api/domains';
import { DomainCard, RedirectInputs } from '../components/DomainCard';
import { PlanGate } from '../components/PlanGate';
import { Empty, ErrorNote, Field, Loading, Page, useAction, useLoad } from '../components/ui';

/** How often the list is read again while a check may still change a domain's status. */
const POLL_MS = 5_000;
/** A "Check now" on a failed domain leaves it failed until the worker answers: watch it this long. */
const WATCH_AFTER_CHECK_MS = 60_000;

const NO_REDIRECTS: RedirectFields = { root_redirect_url: '', not_found_redirect_url: '' };

function AddDomain({ onAdded }: { onAdded: (domain: Domain) => void }) {
  const action = useAction();
  const [hostname, setHostname] = useState('');
  const [redirects, setRedirects] = useState<RedirectFields>(NO_REDIRECTS);
  return (
    <form class="card form" aria-label="Add a domain" onSubmit={(e) => {
      e.preventDefault();
      void action.run(async () => {
        const added = await addDomain(hostname, redirects);
        setHostname('');
        setRedirects(NO_REDIRECTS);
        onAdded(added);
      });
    }}>
      <h2>Add a domain</h2>
      <Field label="Hostname" hint="A name you control, such as go.example.com; your short links then work on it too.">
        <input name="hostname" required value={hostname} onInput={(e) => setHostname(e.currentTarget.value)} placeholder="go.example.com" autoComplete="off" spellcheck={false} />
      </Field>
      <RedirectInputs value={redirects} onChange={setRedirects} />
      <ErrorNote error={action.error} />
      <button type="submit" class="primary" disabled={action.busy}>Add domain</button>
    </form>
  );
}

function DomainList() {
  const list = useLoad(listDomains, []);
  const [added, setAdded] = useState<string | null>(null);
  const [checkedAt, setCheckedAt] = useState(0);
  const domains = list.data;
  // Verification happens in the worker: while a check may land, read the list again now and then.
  const watching = (domains ?? []).some((d) => d.status === 'pending') || Date.now() - checkedAt < WATCH_AFTER_CHECK_MS;
  useEffect(() => {
    if (!watching) return undefined;
    const timer = setInterval(list.reload, POLL_MS);
    return () => clearInterval(timer);
  }, [watching, list.reload]);
  return (
    <>
      <AddDomain onAdded={(d) => { setAdded(d.hostname); list.reload(); }} />
      {added ? <p class="notice" role="status">{added} was added. It serves links once verified: follow the steps in its box below.</p> : null}
      <ErrorNote error={list.error} />
      {!domains ? (list.error ? null : <Loading what="domains" />) : domains.length === 0 ? (
        <Empty title="No custom domains yet."><p>Add a domain you control above, point its DNS here, and your short links can use it.</p></Empty>
      ) : domains.map((d) => (
        <DomainCard key={d.id} domain={d} onChanged={() => { setAdded(null); list.reload(); }} onChecked={() => { setCheckedAt(Date.now()); list.reload(); }} />
      ))}
    </>
  );
}

export function Domains() {
  return (
    <Page title="Domains">
      <p class="muted">Short links on your own hostnames. A domain serves its links once Linktally has verified that it points at this deployment.</p>
      <PlanGate feature="custom_domains"><DomainList /></PlanGate>
    </Page>
  );
}
