import { useState } from 'preact/hooks';
import { changeRedirects, checkNow, removeDomain, statusWords, type Domain, type RedirectFields } from '../api/domains';
import { DomainSetup } from './DomainSetup';
import { ErrorNote, Field, useAction, when } from './ui';

export function RedirectInputs({ value, onChange }: { value: RedirectFields; onChange: (next: RedirectFields) => void }) {
  return (
    <div class="two">
      <Field label="Root redirect URL" hint="Where a visit to the bare domain goes; blank: a 404 page.">
        <input type="url" name="root_redirect_url" value={value.root_redirect_url} placeholder="https://example.com"
          onInput={(e) => onChange({ ...value, root_redirect_url: e.currentTarget.value })} />
      </Field>
      <Field label="Not-found redirect URL" hint="Where an unknown short code on this domain goes; blank: a 404 page.">
        <input type="url" name="not_found_redirect_url" value={value.not_found_redirect_url} placeholder="https://example.com/missing"
          onInput={(e) => onChange({ ...value, not_found_redirect_url: e.currentTarget.value })} />
      </Field>
    </div>
  );
}

const redirectsOf = (d: Domain): RedirectFields => ({ root_redirect_url: d.root_redirect_url ?? '', not_found_redirect_url: d.not_found_redirect_url ?? '' });

/** One domain: where it stands, what to do next, its redirects, and checking or removing it. */
export function DomainCard({ domain, onChanged, onChecked }: { domain: Domain; onChanged: () => void; onChecked: () => void }) {
  const edit = useAction();
  const act = useAction();
  const [redirects, setRedirects] = useState<RedirectFields>(redirectsOf(domain));
  const [saved, setSaved] = useState(false);
  const [checking, setChecking] = useState(false);
  const headingId = `domain-${domain.id}`;
  return (
    <section class="card domain" aria-labelledby={headingId}>
      <div class="row-head">
        <h2 id={headingId}>{domain.hostname}</h2>
        <div class="actions">
          {domain.status === 'active' ? null : (
            <button type="button" class="small" disabled={act.busy} onClick={() => void act.run(async () => {
              await checkNow(domain.id);
              setChecking(true);
              onChecked();
            })}>Check now</button>
          )}
          <button type="button" class="small danger" disabled={act.busy} onClick={() => {
            if (confirm(`Remove ${domain.hostname}? Its short links stop working on it.`)) void act.run(async () => { await removeDomain(domain.id); onChanged(); });
          }}>Delete</button>
        </div>
      </div>
      <ErrorNote error={act.error} />
      {checking && domain.status !== 'active' ? <p role="status" class="muted">A new check is under way; this page shows its result when it lands.</p> : null}
      <dl class="facts">
        <div><dt>Status</dt><dd class={`status-${domain.status}`}>{statusWords(domain)}</dd></div>
        <div><dt>Last checked</dt><dd>{domain.last_checked_at ? when(domain.last_checked_at) : 'Not yet'}</dd></div>
        <div><dt>Verified</dt><dd>{domain.verified_at ? when(domain.verified_at) : 'Not yet'}</dd></div>
        {domain.last_verification_error && domain.status !== 'active' ? <div><dt>Last check failed with</dt><dd class="wrap">{domain.last_verification_error}</dd></div> : null}
      </dl>
      {domain.status === 'active' ? null : <DomainSetup domain={domain} />}
      <form class="form" aria-label={`Redirects of ${domain.hostname}`} onSubmit={(e) => {
        e.preventDefault();
        setSaved(false);
        void edit.run(async () => {
          const changed = await changeRedirects(domain.id, redirects);
          setRedirects(redirectsOf(changed));
          setSaved(true);
          onChanged();
        });
      }}>
        <RedirectInputs value={redirects} onChange={(next) => { setRedirects(next); setSaved(false); }} />
        <ErrorNote error={edit.error} />
        {saved ? <p role="status" class="ok">Redirects saved.</p> : null}
        <button type="submit" disabled={edit.busy}>Save redirects</button>
      </form>
    </section>
  );
}
