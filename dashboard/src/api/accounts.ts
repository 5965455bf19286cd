import { api, ApiFailure, ok, setCsrfToken } from './client';
import type { paths } from './schema';

/** The accounts endpoints (sessions, account, tokens, admin), through the typed client. */

type Json<P extends keyof paths, M extends keyof paths[P], S extends number = 200> = paths[P][M] extends { responses: Record<S, { content: { 'application/json': infer T } }> } ? T : never;

export type User = Json<'/api/v1/auth/session', 'get'>['user'];
export type AuthOptions = Json<'/api/v1/auth/options', 'get'>;
export type Account = Json<'/api/v1/account', 'get'>;
export type TokenItem = Json<'/api/v1/tokens', 'get'>['tokens'][number];
export type AdminUser = Json<'/api/v1/admin/users', 'get'>['users'][number];
export type Invite = Json<'/api/v1/admin/invites', 'get'>['invites'][number];
export type NewInvite = Json<'/api/v1/admin/invites', 'post', 201>['invite'];
export type Plan = User['plan'];

const id = (value: number) => ({ params: { path: { id: String(value) } } });

export async function authOptions(): Promise<AuthOptions | null> {
  try {
    return await ok(api.GET('/api/v1/auth/options'));
  } catch (err) {
    if (err instanceof ApiFailure && err.status === 404) return null; // a server without accounts
    throw err;
  }
}

export async function currentSession(): Promise<User | null> {
  try {
    const answer = await ok(api.GET('/api/v1/auth/session'));
    setCsrfToken(answer.csrf_token);
    return answer.user;
  } catch (err) {
    if (err instanceof ApiFailure && (err.status === 401 || err.status === 404)) return null;
    throw err;
  }
}

export async function signIn(email: string, password: string): Promise<User> {
  const answer = await ok(api.POST('/api/v1/auth/signin', { body: { email, password } }));
  forgetAccount();
  setCsrfToken(answer.csrf_token);
  return answer.user;
}

export async function signUp(fields: { email: string; password: string; username?: string; invite?: string }): Promise<User> {
  const answer = await ok(api.POST('/api/v1/auth/signup', { body: fields }));
  forgetAccount();
  setCsrfToken(answer.csrf_token);
  return answer.user;
}

export async function signOut(): Promise<void> {
  await ok(api.POST('/api/v1/auth/signout'));
  forgetAccount();
  setCsrfToken(null);
}

export async function changePassword(current_password: string, new_password: string): Promise<void> {
  await ok(api.POST('/api/v1/auth/password', { body: { current_password, new_password } }));
}

export type Feature = keyof Account['plan']['features'];

/**
 * The account, read once per page load and shared by every plan gate; forgotten when the plan
 * or the person may have changed (sign-in, sign-out, a plan change).
 */
let cachedAccount: Promise<Account> | null = null;

export function account(): Promise<Account> {
  cachedAccount ??= ok(api.GET('/api/v1/account')).catch((err: unknown) => {
    cachedAccount = null;
    throw err;
  });
  return cachedAccount;
}

export function forgetAccount(): void {
  cachedAccount = null;
}

export async function listTokens(): Promise<TokenItem[]> {
  return (await ok(api.GET('/api/v1/tokens'))).tokens;
}

export async function revokeToken(tokenId: number): Promise<void> {
  await ok(api.DELETE('/api/v1/tokens/{id}', id(tokenId)));
}

export async function adminUsers(): Promise<AdminUser[]> {
  return (await ok(api.GET('/api/v1/admin/users'))).users;
}

export async function setUserPlan(userId: number, plan: Plan): Promise<void> {
  await ok(api.PATCH('/api/v1/admin/users/{id}', { ...id(userId), body: { plan } }));
  forgetAccount();
}

export async function listInvites(): Promise<Invite[]> {
  return (await ok(api.GET('/api/v1/admin/invites'))).invites;
}

export async function createInvite(expires_in_days: number): Promise<NewInvite> {
  return (await ok(api.POST('/api/v1/admin/invites', { body: { expires_in_days } }))).invite;
}

export async function deleteInvite(inviteId: number): Promise<void> {
  await ok(api.DELETE('/api/v1/admin/invites/{id}', id(inviteId)));
}

export async function testWebhook(): Promise<void> {
  await ok(api.POST('/api/v1/webhooks/test'));
}
