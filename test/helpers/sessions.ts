import { request, type JsonResponse } from './http';
import type { Stack } from './stack';

let counter = 0;

/** A signed-in browser: its cookie header, its CSRF token and its user, as the API returned them. */
export interface BrowserSession {
  cookie: { cookie: string };
  /** Headers for unsafe methods: the cookie and the CSRF token. */
  unsafe: { cookie: string; 'x-csrf-token': string };
  csrf: string;
  user: { id: number; email: string; username: string; plan: string; is_admin: boolean };
  password: string;
}

/** The lt_session cookie's value from a response's Set-Cookie, or undefined. */
export function sessionCookieOf(res: JsonResponse): string | undefined {
  for (const line of res.headers.getSetCookie()) {
    const match = /^lt_session=([^;]*)/.exec(line);
    if (match) return match[1];
  }
  return undefined;
}

export function sessionFrom(res: JsonResponse, password: string): BrowserSession {
  const value = sessionCookieOf(res);
  if (!value) throw new Error(`no session cookie in a ${res.status} answer: ${JSON.stringify(res.body)}`);
  const cookie = `lt_session=${value}`;
  return { cookie: { cookie }, unsafe: { cookie, 'x-csrf-token': res.body.csrf_token }, csrf: res.body.csrf_token, user: res.body.user, password };
}

export function uniqueEmail(): string {
  return `person${++counter}-${Date.now()}@example.com`;
}

export async function signUp(stack: Stack, body: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<BrowserSession> {
  const password = (body.password as string | undefined) ?? 'correct horse battery staple';
  const res = await request(stack.url('/api/v1/auth/signup'), { method: 'POST', headers, json: { email: uniqueEmail(), password, ...body } });
  if (res.status !== 201) throw new Error(`sign-up answered ${res.status}: ${JSON.stringify(res.body)}`);
  return sessionFrom(res, password);
}

export async function signIn(stack: Stack, email: string, password: string, headers: Record<string, string> = {}): Promise<JsonResponse> {
  return request(stack.url('/api/v1/auth/signin'), { method: 'POST', headers, json: { email, password } });
}
