/**
 * What every API answer must look like (SPEC.md, "The two API surfaces on one host"): never a
 * 5xx; an error in its surface's envelope — pkglnk `{"error": {"code", "message"}}` with the
 * code of its status, the link side `{"success": false, "error", "errors"?}` — and a link-side
 * success carrying `success: true` where the document says it does.
 */

export type Surface = 'pkglnk' | 'pvtlnk';

/** Restated from the SPEC rather than imported, so a wrong classification in the code shows. */
export function surfaceOfPath(path: string): Surface {
  // SPEC: the pkglnk client's public endpoints (install-start, install-progress, directory, collections,
  // check-availability, bookmarks) and the editor sign-in answer in the pkglnk envelope.
  return /^\/api\/v1\/(packages|collections|bookmarks)(\/|$)|^\/api\/v1\/analytics\/summary\/?$|^\/api\/v1\/install-(start|progress)(\/|$)|^\/api\/(directory|collections|check-availability)(\/|$)|^\/auth\/unity-(start|confirm)(\/|$)/.test(path) ? 'pkglnk' : 'pvtlnk';
}

/** The codes the SPEC and the pkglnk seed name, by status. */
const PKGLNK_CODES: Record<number, string> = {
  400: 'bad_request', 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 409: 'conflict', 422: 'unprocessable', 429: 'rate_limited',
};

export interface Answer {
  status: number;
  contentType: string;
  text: string;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function errorProblem(surface: Surface, status: number, body: unknown): string | undefined {
  if (!isRecord(body)) return 'the error body is not a JSON object';
  if (surface === 'pkglnk') {
    const error = body.error;
    if (Object.keys(body).length !== 1 || !isRecord(error)) return 'not the pkglnk envelope {"error": {...}}';
    if (typeof error.code !== 'string' || typeof error.message !== 'string' || error.message === '') return 'the pkglnk error needs a code and a message';
    const expected = PKGLNK_CODES[status];
    if (expected && error.code !== expected) return `code ${error.code} for status ${status} (expected ${expected})`;
    return undefined;
  }
  if (body.success !== false || typeof body.error !== 'string' || body.error === '') return 'not the link-side envelope {"success": false, "error": ...}';
  if (body.errors !== undefined && !(Array.isArray(body.errors) && body.errors.every((e) => typeof e === 'string'))) return 'errors must be a list of strings';
  const extra = Object.keys(body).filter((k) => !['success', 'error', 'errors'].includes(k));
  return extra.length > 0 ? `unexpected keys ${extra.join(', ')}` : undefined;
}

/** Why this answer breaks the contract, or undefined when it keeps it. */
export function answerProblem(path: string, answer: Answer, successSchemaHasFlag: boolean): string | undefined {
  if (answer.status >= 500) return `status ${answer.status}`;
  const isJson = answer.contentType.includes('application/json');
  if (answer.status >= 400) {
    if (!isJson) return `error answer sent as ${answer.contentType || 'no content type'}`;
    let body: unknown;
    try {
      body = JSON.parse(answer.text);
    } catch {
      return 'error answer is not valid JSON';
    }
    return errorProblem(surfaceOfPath(path), answer.status, body);
  }
  if (successSchemaHasFlag && isJson && surfaceOfPath(path) === 'pvtlnk') {
    const body = JSON.parse(answer.text) as unknown;
    if (!isRecord(body) || body.success !== true) return 'a link-side success without "success": true';
  }
  return undefined;
}
