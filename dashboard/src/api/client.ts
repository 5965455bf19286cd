import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';

/**
 * The dashboard talks to /api/v1 like any client: the session cookie (with the CSRF token on
 * unsafe methods) once signed in, or an API token pasted on the sign-in page (kept in this tab's
 * sessionStorage only). Types come from the OpenAPI document (schema.d.ts, generated).
 */

const TOKEN_KEY = 'linktally.token';
let csrfToken: string | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export function apiToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setApiToken(token: string | null): void {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function authHeaders(method: string): Record<string, string> {
  const headers: Record<string, string> = {};
  const token = apiToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  else if (csrfToken && UNSAFE.has(method.toUpperCase())) headers['X-CSRF-Token'] = csrfToken;
  return headers;
}

const auth: Middleware = {
  onRequest({ request }) {
    for (const [name, value] of Object.entries(authHeaders(request.method))) request.headers.set(name, value);
    return request;
  },
};

export const api = createClient<paths>({ baseUrl: location.origin, credentials: 'same-origin' });
api.use(auth);

/** An API answer that was not a success, in words a person can read. */
export class ApiFailure extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** Both envelopes: PVTLNK {error, errors[]} and pkglnk {error: {code, message}}. */
export function errorText(status: number, body: unknown): string {
  const b = (body ?? {}) as { error?: unknown; errors?: unknown; message?: unknown };
  const details = Array.isArray(b.errors) ? b.errors.filter((e): e is string => typeof e === 'string') : [];
  let main = '';
  if (typeof b.error === 'string') main = b.error;
  else if (b.error && typeof b.error === 'object' && typeof (b.error as { message?: unknown }).message === 'string') main = (b.error as { message: string }).message;
  else if (typeof b.message === 'string') main = b.message;
  if (!main) main = status === 0 ? 'The server could not be reached' : `The server answered ${status}`;
  return details.length > 0 && !(details.length === 1 && details[0] === main) ? `${main}: ${details.join('; ')}` : main;
}

/** The data of an openapi-fetch result, or an ApiFailure with the server's words. */
export async function ok<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await call;
  } catch {
    throw new ApiFailure(0, 'The server could not be reached; check your connection and try again');
  }
  if (result.response.ok && result.data !== undefined) return result.data;
  if (result.response.ok) return undefined as T;
  throw new ApiFailure(result.response.status, errorText(result.response.status, result.error));
}

/**
 * For the few calls that are not (yet) in the OpenAPI document (the accounts endpoints of
 * issue 12's contract) and for binary downloads: same headers, same error words.
 */
export async function raw(method: string, path: string, body?: unknown): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: { ...authHeaders(method), ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
  } catch {
    throw new ApiFailure(0, 'The server could not be reached; check your connection and try again');
  }
  if (!response.ok) {
    const parsed: unknown = await response.json().catch(() => ({}));
    throw new ApiFailure(response.status, errorText(response.status, parsed));
  }
  return response;
}

export async function rawJson<T>(method: string, path: string, body?: unknown): Promise<T> {
  return (await (await raw(method, path, body)).json()) as T;
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
