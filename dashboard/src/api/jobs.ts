import { ApiFailure, raw, rawJson } from './client';

/** A heavy job's status (GET /api/v1/jobs/:id). */
export interface JobStatus {
  job_id: string;
  status: 'queued' | 'running' | 'completed' | 'failed';
  download_url: string | null;
  result: unknown;
  error: string | null;
  progress: { done: number; total: number } | null;
}

interface Accepted {
  job_id: string;
  status_url: string;
}

function pathOf(url: string): string {
  const u = new URL(url, location.origin);
  return `${u.pathname}${u.search}`;
}

/** Polls a 202's status URL until the job ends, reporting each status on the way. */
export async function waitForJob(accepted: Accepted, onStatus: (status: JobStatus) => void): Promise<JobStatus> {
  for (;;) {
    const status = await rawJson<JobStatus>('GET', pathOf(accepted.status_url));
    onStatus(status);
    if (status.status === 'completed') return status;
    if (status.status === 'failed') throw new ApiFailure(500, status.error ?? 'The job failed');
    await new Promise((resolve) => setTimeout(resolve, 400));
  }
}

/** Reads a response body, reporting bytes received (of Content-Length when the server sends it). */
export async function readWithProgress(response: Response, onBytes: (done: number, total: number | null) => void): Promise<Blob> {
  const total = Number(response.headers.get('content-length')) || null;
  if (!response.body) return response.blob();
  const reader = response.body.getReader();
  const parts: Uint8Array[] = [];
  let done = 0;
  for (;;) {
    const chunk = await reader.read();
    if (chunk.done) break;
    parts.push(chunk.value);
    done += chunk.value.byteLength;
    onBytes(done, total);
  }
  return new Blob(parts as BlobPart[], { type: response.headers.get('content-type') ?? 'application/octet-stream' });
}

export function fileNameOf(response: Response, fallback: string): string {
  const match = /filename="?([^";]+)"?/.exec(response.headers.get('content-disposition') ?? '');
  return match?.[1] ?? fallback;
}

export function saveBlob(blob: Blob, name: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

/**
 * An export endpoint: 200 is the file; 202 means wait for the job, then fetch its download.
 * Returns the file name saved.
 */
export async function downloadExport(path: string, fallbackName: string, onState: (text: string, done?: number, total?: number) => void): Promise<string> {
  let response = await raw('GET', path);
  if (response.status === 202) {
    const accepted = (await response.json()) as Accepted;
    onState('Building the export…');
    const finished = await waitForJob(accepted, (s) => onState(`Building the export (${s.status})…`, s.progress?.done, s.progress?.total));
    if (!finished.download_url) throw new ApiFailure(500, 'The export finished without a file');
    response = await raw('GET', pathOf(finished.download_url));
  }
  const blob = await readWithProgress(response, (done, total) => onState('Downloading…', done, total ?? undefined));
  const name = fileNameOf(response, fallbackName);
  saveBlob(blob, name);
  return name;
}
