import { useState } from 'preact/hooks';
import { api, ok, rawJson } from '../api/client';
import { downloadExport, waitForJob } from '../api/jobs';
import { PlanGate } from '../components/PlanGate';
import { A, Empty, ErrorNote, Field, Page, Progress, useAction, useLoad } from '../components/ui';

interface ImportResult {
  created: number;
  errors: Array<{ row: number; error: string; errors: string[] }>;
  summary: { total_rows: number; created: number; failed: number };
}

function Import() {
  const action = useAction();
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const [phase, setPhase] = useState('');
  const [result, setResult] = useState<ImportResult | null>(null);
  return (
    <section class="card" aria-labelledby="import">
      <h2 id="import">Import links from CSV</h2>
      <p class="muted">A header row naming the columns, including <code>destination_url</code>; optional <code>short_code</code>, <code>title</code>, <code>description</code>, <code>tags</code>, <code>domain</code> (one of your domains; empty for the default one). A links export imports back as it is, each link on its domain.</p>
      <PlanGate feature="bulk_import">
      <form class="form" onSubmit={(e) => {
        e.preventDefault();
        if (!file) return;
        setResult(null);
        setProgress(null);
        void action.run(async () => {
          setPhase('Uploading…');
          const csv = await file.text();
          const answer = await rawJson<ImportResult & { status_url?: string; job_id?: string }>('POST', '/api/v1/links/bulk_import', { csv });
          if (answer.status_url && answer.job_id) {
            setPhase('Importing…');
            const finished = await waitForJob({ job_id: answer.job_id, status_url: answer.status_url }, (s) => { if (s.progress) setProgress(s.progress); });
            setResult(finished.result as ImportResult);
          } else {
            setResult(answer);
          }
          setPhase('');
        });
      }}>
        <Field label="CSV file"><input type="file" name="csv" accept=".csv,text/csv" required onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)} /></Field>
        <button type="submit" class="primary" disabled={action.busy || !file}>Import</button>
      </form>
      {phase ? <p role="status">{phase}</p> : null}
      {progress ? <Progress done={progress.done} total={progress.total} label="Rows imported" /> : null}
      <ErrorNote error={action.error} />
      {result ? (
        <div role="status">
          <p class="ok">Imported {result.summary.created} of {result.summary.total_rows} rows{result.summary.failed ? `; ${result.summary.failed} failed` : ''}.</p>
          {result.errors.length ? (
            <table class="list">
              <caption>Rows that failed</caption>
              <thead><tr><th scope="col">Row</th><th scope="col">Why</th></tr></thead>
              <tbody>{result.errors.map((r) => <tr key={r.row}><td>{r.row}</td><td>{r.errors.length ? r.errors.join('; ') : r.error}</td></tr>)}</tbody>
            </table>
          ) : null}
        </div>
      ) : null}
      </PlanGate>
    </section>
  );
}

function Download({ label, path, fallback }: { label: string; path: string; fallback: string }) {
  const action = useAction();
  const [state, setState] = useState<{ text: string; done?: number; total?: number } | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  return (
    <div class="download">
      <button type="button" disabled={action.busy} onClick={() => {
        setSaved(null);
        void action.run(async () => {
          const name = await downloadExport(path, fallback, (text, done, total) => setState({ text, done, total }));
          setState(null);
          setSaved(name);
        });
      }}>{label}</button>
      {state ? <span role="status">{state.text}</span> : null}
      {state?.total !== undefined && state.done !== undefined ? <Progress done={state.done} total={state.total} label={`${label} progress`} /> : null}
      {saved ? <span role="status" class="ok">Saved {saved}</span> : null}
      <ErrorNote error={action.error} />
    </div>
  );
}

function Exports() {
  const packages = useLoad(async () => (await ok(api.GET('/api/v1/packages', { params: { query: { limit: '100' } } }))).packages, []);
  return (
    <section class="card" aria-labelledby="export">
      <h2 id="export">Export</h2>
      <Download label="Export links (CSV)" path="/api/v1/links/export" fallback="links.csv" />
      <h3>Package installs</h3>
      <ErrorNote error={packages.error} />
      {(packages.data ?? []).length === 0 ? <Empty title="No packages to export."><A href="/app/packages">Add a package</A> from its git URL; its installs can be exported here.</Empty> : (
        <ul class="plain">
          {(packages.data ?? []).map((p) => (
            <li key={p.slug}>
              <strong>{p.display_name}</strong>{' '}
              <Download label={`Export ${p.slug} (CSV)`} path={`/api/v1/packages/${encodeURIComponent(p.slug)}/export?format=csv&days=365`} fallback={`${p.slug}.csv`} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function Transfers() {
  return (
    <Page title="Imports and exports">
      <Import />
      <Exports />
    </Page>
  );
}
