import { useState } from 'preact/hooks';
import { api, ok } from '../api/client';
import { checkDraft, fromLocal, ruleDraft, saveLink, toLocal, type Link, type LinkDraft, type RuleDraft, type VariantDraft } from '../api/save-link';
import { DomainSelect } from '../components/DomainSelect';
import { PlanGate, useAccount } from '../components/PlanGate';
import { RulesEditor } from '../components/RulesEditor';
import { ErrorNote, Field, Loading, Page, useAction, useLoad } from '../components/ui';
import { VariantsEditor } from '../components/VariantsEditor';
import { navigate, replaceAddress } from '../router';
import { useCollections } from './Links';

const UTM = ['utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content'] as const;

/** The destination with its UTM parameters, as a visitor will land. */
function preview(destination: string, utm: Record<string, string>): string {
  try {
    const url = new URL(destination);
    for (const [k, v] of Object.entries(utm)) if (v) url.searchParams.set(k, v);
    return url.toString();
  } catch {
    return '';
  }
}

export function LinkFormPage({ id }: { id?: number }) {
  const acct = useAccount();
  const features = acct.data?.plan.features;
  const path = { params: { path: { id: String(id) } } };
  const existing = useLoad(async () => (id === undefined ? undefined : (await ok(api.GET('/api/v1/links/{id}', path))).link), [id]);
  // Variants and rules are read only when the plan has them (the API refuses them otherwise).
  const variants = useLoad(async () => (id === undefined || !features?.variants ? [] : (await ok(api.GET('/api/v1/links/{link_id}/variants', { params: { path: { link_id: String(id) } } }))).variants), [id, features?.variants]);
  const rules = useLoad(async () => (id === undefined || !features?.targeting ? [] : (await ok(api.GET('/api/v1/links/{id}/rules', path))).rules), [id, features?.targeting]);
  const error = acct.error ?? existing.error ?? variants.error ?? rules.error;
  if (!features || (id !== undefined && (!existing.data || variants.loading || rules.loading))) {
    return <Page title={id === undefined ? 'New link' : 'Edit link'}>{error ? <ErrorNote error={error} /> : <Loading what="the link" />}</Page>;
  }
  return <LinkForm key={id ?? 'new'} link={existing.data} variants={(variants.data ?? []) as VariantDraft[]} rules={(rules.data ?? []).map((r) => ruleDraft(r, existing.data?.destination_url ?? ''))} targeting={Boolean(features.targeting)} />;
}

function LinkForm({ link: initial, variants: initialVariants, rules: initialRules, targeting }: { link?: Link; variants: VariantDraft[]; rules: RuleDraft[]; targeting: boolean }) {
  const collections = useCollections();
  const action = useAction();
  // The link as saved: set once a new link is created, so a later failure and a retry edit it.
  const [link, setLink] = useState<Link | undefined>(initial);
  const [problems, setProblems] = useState<string[]>([]);
  const [destination, setDestination] = useState(initial?.destination_url ?? '');
  const [code, setCode] = useState(initial?.short_code ?? '');
  const [title, setTitle] = useState(initial?.title ?? '');
  const [description, setDescription] = useState(initial?.description ?? '');
  const [tags, setTags] = useState((initial?.tags ?? []).join(', '));
  const [domain, setDomain] = useState(initial?.domain ?? '');
  const [collection, setCollection] = useState(initial?.collection_id ? String(initial.collection_id) : '');
  const [utm, setUtm] = useState<Record<string, string>>({ ...(initial?.utm_params ?? {}) });
  const [start, setStart] = useState(toLocal(initial?.scheduled_start_at));
  const [end, setEnd] = useState(toLocal(initial?.scheduled_end_at));
  const [expiresAt, setExpiresAt] = useState(toLocal(initial?.expires_at));
  const [previewTitle, setPreviewTitle] = useState(initial?.preview_title ?? '');
  const [previewDescription, setPreviewDescription] = useState(initial?.preview_description ?? '');
  const [previewImage, setPreviewImage] = useState(initial?.preview_image_url ?? '');
  const [password, setPassword] = useState('');
  const [removePassword, setRemovePassword] = useState(false);
  const [variants, setVariants] = useState<VariantDraft[]>(initialVariants);
  const [removed, setRemoved] = useState<number[]>([]);
  const [rules, setRules] = useState<RuleDraft[]>(initialRules);
  const [rulesChanged, setRulesChanged] = useState(false);

  // A removed variant leaves the rules' variant sets too, so the rules are saved before it is deleted (which the server refuses while a set names it).
  const removeVariant = (v: VariantDraft) => {
    const id = v.id;
    if (id === undefined) return;
    setRemoved([...removed, id]);
    if (rules.some((r) => r.variant_ids.includes(id))) {
      setRules(rules.map((r) => ({ ...r, variant_ids: r.variant_ids.filter((x) => x !== id) })));
      setRulesChanged(true);
    }
  };

  const draft = (): LinkDraft => ({
    fields: {
      destination_url: destination.trim(),
      title: title.trim() || null,
      description: description.trim() || null,
      tags: tags.split(',').map((t) => t.trim()).filter(Boolean),
      collection_id: collection ? Number(collection) : null,
      utm_params: Object.fromEntries(Object.entries(utm).filter(([, v]) => v.trim() !== '').map(([k, v]) => [k, v.trim()])),
      scheduled_start_at: fromLocal(start),
      scheduled_end_at: fromLocal(end),
      expires: expiresAt !== '',
      expires_at: fromLocal(expiresAt),
      preview_title: previewTitle.trim() || null,
      preview_description: previewDescription.trim() || null,
      preview_image_url: previewImage.trim() || null,
      // Sent only when changed: an account without the domains feature never names one.
      ...(domain !== (link?.domain ?? '') ? { domain: domain || null } : {}),
    },
    short_code: code,
    ...(password ? { password } : removePassword ? { password: null } : {}),
    variants,
    removedVariants: removed,
    ...(targeting && (rulesChanged || (!link && rules.length > 0)) ? { rules } : {}),
  });

  const submit = () => {
    const d = draft();
    const found = checkDraft(d);
    setProblems(found);
    if (found.length > 0) return;
    // What each finished call saved is kept as it lands, so a retry after a failure repeats nothing.
    const saved = [...d.variants];
    let gone = [...d.removedVariants];
    void action.run(async () => {
      try {
        const result = await saveLink(d, link, {
          linkSaved: (l) => {
            if (!link) replaceAddress(`/app/links/${l.id}/edit`);
            setLink(l);
            setCode(l.short_code);
            setPassword('');
          },
          variantSaved: (i, variantId) => { const v = saved[i]; if (v) saved[i] = { ...v, id: variantId }; },
          variantRemoved: (variantId) => { gone = gone.filter((x) => x !== variantId); },
          rulesSaved: () => setRulesChanged(false),
        });
        navigate(`/app/links/${result.id}`);
      } finally {
        setVariants(saved);
        setRemoved(gone);
      }
    });
  };

  return (
    <Page title={link ? `Edit /${link.short_code}` : 'New link'}>
      <form class="form" aria-label={link ? `Edit /${link.short_code}` : 'New link'} onSubmit={(e) => { e.preventDefault(); submit(); }}>
        <Field label="Destination URL"><input type="url" name="destination_url" required value={destination} onInput={(e) => setDestination(e.currentTarget.value)} placeholder="https://example.com/page" /></Field>
        <div class="two">
          <Field label="Custom code" hint="Leave blank for a generated one."><input name="short_code" value={code} onInput={(e) => setCode(e.currentTarget.value)} pattern="[A-Za-z0-9][A-Za-z0-9_\-]{0,63}" /></Field>
          <Field label="Title"><input name="title" value={title} onInput={(e) => setTitle(e.currentTarget.value)} maxLength={255} /></Field>
        </div>
        <DomainSelect value={domain} onChange={setDomain} />
        <Field label="Description"><textarea name="description" rows={2} value={description} onInput={(e) => setDescription(e.currentTarget.value)} /></Field>
        <div class="two">
          <Field label="Tags" hint="Separated by commas."><input name="tags" value={tags} onInput={(e) => setTags(e.currentTarget.value)} /></Field>
          <Field label="Collection">
            <select name="collection" value={collection} onChange={(e) => setCollection(e.currentTarget.value)}>
              <option value="">None</option>
              {(collections.data?.collections ?? []).map((c) => <option key={c.id} value={String(c.id)}>{c.name}</option>)}
            </select>
          </Field>
        </div>
        <fieldset>
          <legend>UTM builder</legend>
          <div class="three">
            {UTM.map((k) => <Field key={k} label={k}><input name={k} value={utm[k] ?? ''} onInput={(e) => setUtm({ ...utm, [k]: e.currentTarget.value })} /></Field>)}
          </div>
          {preview(destination, utm) ? <p class="muted">Visitors land on <code class="wrap">{preview(destination, utm)}</code></p> : null}
        </fieldset>
        <fieldset>
          <legend>Social preview</legend>
          <p class="muted">What Slack, Discord, X, Facebook, LinkedIn, iMessage and WhatsApp show for the short link. People are still redirected.</p>
          <Field label="Preview headline"><input name="preview_title" value={previewTitle} onInput={(e) => setPreviewTitle(e.currentTarget.value)} maxLength={200} /></Field>
          <Field label="Preview summary"><textarea name="preview_description" rows={2} value={previewDescription} onInput={(e) => setPreviewDescription(e.currentTarget.value)} maxLength={500} /></Field>
          <Field label="Preview image URL"><input type="url" name="preview_image_url" value={previewImage} onInput={(e) => setPreviewImage(e.currentTarget.value)} placeholder="https://example.com/card.png" /></Field>
        </fieldset>
        <fieldset>
          <legend>Schedule and expiry</legend>
          <div class="three">
            <PlanGate feature="scheduling">
              <Field label="Starts at"><input type="datetime-local" name="scheduled_start_at" value={start} onInput={(e) => setStart(e.currentTarget.value)} /></Field>
              <Field label="Ends at"><input type="datetime-local" name="scheduled_end_at" value={end} onInput={(e) => setEnd(e.currentTarget.value)} /></Field>
            </PlanGate>
            <Field label="Expires at"><input type="datetime-local" name="expires_at" value={expiresAt} onInput={(e) => setExpiresAt(e.currentTarget.value)} /></Field>
          </div>
        </fieldset>
        <fieldset>
          <legend>Password</legend>
          <Field label={link?.password_protected ? 'New password' : 'Password'} hint={link?.password_protected ? 'This link has a password; leave blank to keep it.' : 'Visitors must enter it before being redirected.'}>
            <input type="password" name="password" autoComplete="new-password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
          </Field>
          {link?.password_protected ? <label class="check"><input type="checkbox" checked={removePassword} onChange={(e) => setRemovePassword(e.currentTarget.checked)} /> Remove the password</label> : null}
        </fieldset>
        <fieldset>
          <legend>A/B variants</legend>
          <PlanGate feature="variants">
            <VariantsEditor variants={variants} destination={destination} onChange={setVariants} onRemove={removeVariant} />
          </PlanGate>
        </fieldset>
        <fieldset>
          <legend>Targeting rules</legend>
          <PlanGate feature="targeting">
            <RulesEditor rules={rules} destination={destination} variants={variants} onChange={(next) => { setRules(next); setRulesChanged(true); }} />
          </PlanGate>
        </fieldset>
        {problems.length > 0 ? (
          <div class="error" role="alert">
            <p>Nothing was saved; fix these first:</p>
            <ul>{problems.map((p) => <li key={p}>{p}</li>)}</ul>
          </div>
        ) : null}
        <ErrorNote error={action.error} />
        {action.error && link && !initial ? <p class="notice" role="status">This form now edits /{link.short_code}; saving again finishes it without creating another link.</p> : null}
        <div class="actions">
          <button type="submit" class="primary" disabled={action.busy}>{link ? 'Save changes' : 'Create link'}</button>
          <button type="button" onClick={() => history.back()}>Cancel</button>
        </div>
      </form>
    </Page>
  );
}
