import type { VariantDraft } from '../api/save-link';

/** The A/B variants of the link form: name, destination and weight, with each one's live traffic share. */
export function VariantsEditor({ variants, destination, onChange, onRemove }: {
  variants: VariantDraft[]; destination: string; onChange: (variants: VariantDraft[]) => void; onRemove: (variant: VariantDraft) => void;
}) {
  const totalWeight = variants.reduce((a, v) => a + (Number.isFinite(v.weight) ? v.weight : 0), 0);
  const update = (i: number, change: Partial<VariantDraft>) => onChange(variants.map((v, j) => (j === i ? { ...v, ...change } : v)));
  return (
    <>
      {variants.length === 0 ? <p class="muted">No variants: every visitor goes to the destination. Add variants to split traffic by weight.</p> : (
        <div class="scroll" tabIndex={0}>
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
                    onRemove(v);
                    onChange(variants.filter((_, j) => j !== i));
                  }}>Remove</button></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <button type="button" onClick={() => onChange([...variants, { name: `Variant ${String.fromCharCode(65 + variants.length)}`, destination_url: destination, weight: 50 }])}>Add variant</button>
    </>
  );
}
