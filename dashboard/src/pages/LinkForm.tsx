import { useState } from 'preact/hooks';
import { api, ok } from '../api/client';
import { ErrorNote, Field, Loading, Page, useAction, useLoad } from '../components/ui';
import { navigate } from '../router';
import { useCollections, type Link } from './Links';

const UTM = ['utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content'] as const;

interface VariantDraft {
  id?: number;
  name: string;
  destination_url: string;
  weight: number;
  click_percentage?: number;
}

/** ISO instant → the value of a datetime-local input (local time), and back. */
function toLocal(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}
function fromLocal(value: string): string | null {
  return value ? new Date(value).toISOString() : null;
}

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
  const existing = useLoad(async () => (id === undefined ? undefined : (await ok(api.GET('/api/v1/links/{id}', { params: { path: { id: String(id) } } }))).link), [id]);
  const variants = useLoad(async () => (id === undefined ? [] : (await ok(api.GET('/api/v1/links/{link_id}/variants', { params: { path: { link_id: String(id) } } }))).variants), [id]);
  if (id !== undefined && (!existing.data || !variants.data)) {
    return <Page title="Edit link">{existing.error || variants.error ? <ErrorNote error={existing.error ?? variants.error} /> : <Loading what="the link" />}</Page>;
  }
  return <LinkForm link={existing.data} variants={(variants.data ?? []) as VariantDraft[]} />;
}

function LinkForm({ link, variants: initialVariants }: { link?: Link; variants: VariantDraft[] }) {
  const collections = useCollections();
  const action = useAction();
  const [destination, setDestination] = useState(link?.destination_url ?? '');
  const [code, setCode] = useState(link?.short_code ?? '');
  const [title, setTitle] = useState(link?.title ?? '');
  const [description, setDescription] = useState(link?.description ?? '');
  const [tags, setTags] = useState((link?.tags ?? []).join(', '));
  const [collection, setCollection] = useState(link?.collection_id ? String(link.collection_id) : '');
  const [utm, setUtm] = useState<Record<string, string>>({ ...(link?.utm_params ?? {}) });
  const [start, setStart] = useState(toLocal(link?.scheduled_start_at ?? null));
  const [end, setEnd] = useState(toLocal(link?.scheduled_end_at ?? null));
  const [expiresAt, setExpiresAt] = useState(toLocal(link?.expires_at ?? null));
  const [previewTitle, setPreviewTitle] = useState(link?.preview_title ?? '');
  const [previewDescription, setPreviewDescription] = useState(link?.preview_description ?? '');
  const [previewImage, setPreviewImage] = useState(link?.preview_image_url ?? '');
  const [password, setPassword] = useState('');
  const [removePassword, setRemovePassword] = useState(false);
  const [variants, setVariants] = useState<VariantDraft[]>(initialVariants);
  const [removed, setRemoved] = useState<number[]>([]);
  const totalWeight = variants.reduce((a, v) => a + (Number.isFinite(v.weight) ? v.weight : 0), 0);
  const update = (i: number, change: Partial<VariantDraft>) => setVariants(variants.map((v, j) => (j === i ? { ...v, ...change } : v)));

  const submit = () => action.run(async () => {
    const utmParams = Object.fromEntries(Object.entries(utm).filter(([, v]) => v.trim() !== '').map(([k, v]) => [k, v.trim()]));
    const fields = {
      destination_url: destination.trim(),
      title: title.trim() || null,
      description: description.trim() || null,
      tags: tags.split(',').map((t) => t.trim()).filter(Boolean),
      collection_id: collection ? Number(collection) : null,
      utm_params: utmParams,
      scheduled_start_at: fromLocal(start),
      scheduled_end_at: fromLocal(end),
      expires: expiresAt !== '',
      expires_at: fromLocal(expiresAt),
      preview_title: previewTitle.trim() || null,
      preview_description: previewDescription.trim() || null,
      preview_image_url: previewImage.trim() || null,
    };
    const pw = password ? { password } : removePassword ? { password: null } : {};
    let saved: Link;
    if (link) {
      saved = (await ok(api.PATCH('/api/v1/links/{id}', { params: { path: { id: String(link.id) } }, body: { link: { ...fields, ...(code.trim() && code.trim() !== link.short_code ? { short_code: code.trim() } : {}) }, ...pw } }))).link;
    } else {
      saved = (await ok(api.POST('/api/v1/links', { body: { link: { ...fields, short_code: code.trim() || null }, ...pw } }))).link;
    }
    const path = { link_id: String(saved.id) };
    for (const variantId of removed) {
      await ok(api.DELETE('/api/v1/links/{link_id}/variants/{variant_id}', { params: { path: { ...path, variant_id: String(variantId) } } }));
    }
    for (const v of variants) {
      const body = { variant: { name: v.name.trim(), destination_url: v.destination_url.trim(), weight: v.weight } };
      if (v.id === undefined) await ok(api.POST('/api/v1/links/{link_id}/variants', { params: { path }, body }));
      else await ok(api.PATCH('/api/v1/links/{link_id}/variants/{variant_id}', { params: { path: { ...path, variant_id: String(v.id) } }, body }));
    }
    navigate(`/app/links/${saved.id}`);
  });

  return (
    <Page title={link ? `Edit /${link.short_code}` : 'New link'}>
      <form class="form" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
        <Field label="Destination URL"><input type="url" name="destination_url" required value={destination} onInput={(e) => setDestination(e.currentTarget.value)} placeholder="https://example.com/page" /></Field>
        <div class="two">
          <Field label="Custom code" hint="Leave blank for a generated one."><input name="short_code" value={code} onInput={(e) => setCode(e.currentTarget.value)} pattern="[A-Za-z0-9][A-Za-z0-9_\-]{0,63}" /></Field>
          <Field label="Title"><input name="title" value={title} onInput={(e) => setTitle(e.currentTarget.value)} maxLength={255} /></Field>
        </div>
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
            <Field label="Starts at"><input type="datetime-local" name="scheduled_start_at" value={start} onInput={(e) => setStart(e.currentTarget.value)} /></Field>
            <Field label="Ends at"><input type="datetime-local" name="scheduled_end_at" value={end} onInput={(e) => setEnd(e.currentTarget.value)} /></Field>
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
          {variants.length === 0 ? <p class="muted">No variants: every visitor goes to the destination. Add variants to split traffic by weight.</p> : (
            <div class="scroll">
              <table class="list">
                <thead><tr><th scope="col">Name</th><th scope="col">Destination</th><th scope="col">Weight</th><th scope="col">Traffic share</th><th scope="col">Click share</th><th scope="col"><span class="sr-only">Remove</span></th></tr></thead>
                <tbody>
                  {variants.map((v, i) => (
                    <tr key={v.id ?? `new-${i}`}>
                      <td><input aria-label={`Variant ${i + 1} name`} required value={v.name} onInput={(e) => update(i, { name: e.currentTarget.value })} /></td>
                      <td><input aria-label={`Variant ${i + 1} destination`} type="url" required value={v.destination_url} onInput={(e) => update(i, { destination_url: e.currentTarget.value })} /></td>
                      <td><input aria-label={`Variant ${i + 1} weight`} type="number" min={0} max={1000} required value={v.weight} onInput={(e) => update(i, { weight: Number(e.currentTarget.value) })} /></td>
                      <td>{totalWeight > 0 ? `${Math.round((v.weight / totalWeight) * 1000) / 10}%` : '—'}</td>
                      <td>{v.click_percentage !== undefined ? `${v.click_percentage}%` : '—'}</td>
                      <td><button type="button" class="small" aria-label={`Remove variant ${i + 1}`} onClick={() => {
                        if (v.id !== undefined) setRemoved([...removed, v.id]);
                        setVariants(variants.filter((_, j) => j !== i));
                      }}>Remove</button></td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <button type="button" onClick={() => setVariants([...variants, { name: `Variant ${String.fromCharCode(65 + variants.length)}`, destination_url: destination, weight: 50 }])}>Add variant</button>
        </fieldset>
        <ErrorNote error={action.error} />
        <div class="actions">
          <button type="submit" class="primary" disabled={action.busy}>{link ? 'Save changes' : 'Create link'}</button>
          <button type="button" onClick={() => history.back()}>Cancel</button>
        </div>
      </form>
    </Page>
  );
}
