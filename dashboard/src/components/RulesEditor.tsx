import { DEVICES, emptyRule, type RuleDraft, type VariantDraft } from '../api/save-link';
import { Field } from './ui';

/**
 * The targeting rules of the link form, in the order they are tried: each a set of conditions
 * (all must hold) and where it sends a matching visitor: a destination, or a weighted choice
 * among some of the link's saved variants. Rules move up and down with buttons, so the order
 * can be changed with the keyboard.
 */
export function RulesEditor({ rules, destination, variants, onChange }: { rules: RuleDraft[]; destination: string; variants: VariantDraft[]; onChange: (rules: RuleDraft[]) => void }) {
  const saved = variants.filter((v): v is VariantDraft & { id: number } => v.id !== undefined);
  const update = (i: number, change: Partial<RuleDraft>) => onChange(rules.map((r, j) => (j === i ? { ...r, ...change } : r)));
  const move = (i: number, by: -1 | 1) => {
    const next = [...rules];
    const [moved] = next.splice(i, 1);
    if (moved) next.splice(i + by, 0, moved);
    onChange(next);
  };
  return (
    <>
      <p class="muted">The first rule whose conditions all hold sends the visitor to its destination, or to one of its variants by their weights; when none matches, the variants or the destination above are used.</p>
      {rules.length === 0 ? <p class="muted">No rules: every visitor gets the usual destination. Add a rule to send, say, phones or one country elsewhere.</p> : (
        <ol class="rules" aria-label="Targeting rules">
          {rules.map((r, i) => {
            const n = i + 1;
            return (
              <li key={r.key}>
                <div class="rule-head">
                  <strong>Rule {n}{r.name.trim() ? `: ${r.name.trim()}` : ''}</strong>
                  <span class="actions">
                    <button type="button" class="small" aria-label={`Move rule ${n} up`} disabled={i === 0} onClick={() => move(i, -1)}>Up</button>
                    <button type="button" class="small" aria-label={`Move rule ${n} down`} disabled={i === rules.length - 1} onClick={() => move(i, 1)}>Down</button>
                    <button type="button" class="small" aria-label={`Remove rule ${n}`} onClick={() => onChange(rules.filter((_, j) => j !== i))}>Remove</button>
                  </span>
                </div>
                <Field label={`Rule ${n} name`}><input value={r.name} maxLength={100} onInput={(e) => update(i, { name: e.currentTarget.value })} /></Field>
                <fieldset>
                  <legend>Rule {n} sends to</legend>
                  <div class="checks">
                    <label class="check"><input type="radio" name={`rule-${r.key}-target`} checked={r.target === 'destination'} onChange={() => update(i, { target: 'destination' })} /> a destination</label>
                    <label class="check"><input type="radio" name={`rule-${r.key}-target`} checked={r.target === 'variants'} onChange={() => update(i, { target: 'variants' })} /> a choice among variants</label>
                  </div>
                  {r.target === 'destination' ? (
                    <Field label={`Rule ${n} destination`}><input type="url" required value={r.destination_url} onInput={(e) => update(i, { destination_url: e.currentTarget.value })} /></Field>
                  ) : saved.length === 0 ? <p class="muted">Save the link with variants first; then they can be picked here.</p> : (
                    <div class="checks" role="group" aria-label={`Rule ${n} variants`}>
                      {saved.map((v) => (
                        <label class="check" key={v.id}><input type="checkbox" checked={r.variant_ids.includes(v.id)}
                          onChange={(e) => update(i, { variant_ids: e.currentTarget.checked ? [...r.variant_ids, v.id] : r.variant_ids.filter((x) => x !== v.id) })} /> {v.name || `Variant ${v.id}`}</label>
                      ))}
                    </div>
                  )}
                </fieldset>
                <fieldset>
                  <legend>Rule {n} devices</legend>
                  <div class="checks">
                    {DEVICES.map((d) => (
                      <label class="check" key={d}><input type="checkbox" checked={r.device.includes(d)}
                        onChange={(e) => update(i, { device: e.currentTarget.checked ? [...r.device, d] : r.device.filter((x) => x !== d) })} /> {d}</label>
                    ))}
                  </div>
                </fieldset>
                <div class="three">
                  <Field label={`Rule ${n} countries`} hint="Two-letter codes, separated by commas."><input value={r.country} placeholder="DE, AT" onInput={(e) => update(i, { country: e.currentTarget.value })} /></Field>
                  <Field label={`Rule ${n} languages`} hint="Such as de or pt-BR."><input value={r.language} onInput={(e) => update(i, { language: e.currentTarget.value })} /></Field>
                  <Field label={`Rule ${n} operating systems`} hint="Such as iOS, Android."><input value={r.os} onInput={(e) => update(i, { os: e.currentTarget.value })} /></Field>
                  <Field label={`Rule ${n} browsers`} hint="Such as Chrome, Safari."><input value={r.browser} onInput={(e) => update(i, { browser: e.currentTarget.value })} /></Field>
                  <Field label={`Rule ${n} query parameter`}><input value={r.query_name} placeholder="ref" onInput={(e) => update(i, { query_name: e.currentTarget.value })} /></Field>
                  <Field label={`Rule ${n} query value`}><input value={r.query_value} onInput={(e) => update(i, { query_value: e.currentTarget.value })} /></Field>
                  <Field label={`Rule ${n} from`}><input type="datetime-local" value={r.starts_at} onInput={(e) => update(i, { starts_at: e.currentTarget.value })} /></Field>
                  <Field label={`Rule ${n} until`}><input type="datetime-local" value={r.ends_at} onInput={(e) => update(i, { ends_at: e.currentTarget.value })} /></Field>
                </div>
              </li>
            );
          })}
        </ol>
      )}
      <button type="button" onClick={() => onChange([...rules, emptyRule(destination)])}>Add rule</button>
    </>
  );
}
