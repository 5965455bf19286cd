import { ApiFailure, rawJson, setCsrfToken } from './client';

/**
 * The accounts endpoints (issue 12's dashboard contract). Typed here by hand until they are in
 * the OpenAPI document; the shapes are the contract's.
 */

export interface User {
  id: number;
  email: string;
  username: string | null;
  plan: string;
  is_admin: boolean;
  created_at: string;
}

export interface AuthOptions {
  signup: 'open' | 'invite' | 'closed';
  needs_first_user: boolean;
}

interface SessionAnswer {
  user: User;
  csrf_token: string;
}

export async function authOptions(): Promise<AuthOptions | null> {
  try {
    return await rawJson<AuthOptions>('GET', '/api/v1/auth/options');
  } catch (err) {
    if (err instanceof ApiFailure && err.status === 404) return null; // this server has no accounts yet
    throw err;
  }
}

export async function currentSession(): Promise<User | null> {
  try {
    const answer = await rawJson<SessionAnswer>('GET', '/api/v1/auth/session');
    setCsrfToken(answer.csrf_token);
    return answer.user;
  } catch (err) {
    if (err instanceof ApiFailure && (err.status === 401 || err.status === 404)) return null;
    throw err;
  }
}

export async function signIn(email: string, password: string): Promise<User> {
  const answer = await rawJson<SessionAnswer>('POST', '/api/v1/auth/signin', { email, password });
  setCsrfToken(answer.csrf_token);
  return answer.user;
}

export async function signUp(fields: { email: string; password: string; username?: string; invite?: string }): Promise<User> {
  const answer = await rawJson<SessionAnswer>('POST', '/api/v1/auth/signup', fields);
  setCsrfToken(answer.csrf_token);
  return answer.user;
}

export async function signOut(): Promise<void> {
  await rawJson('POST', '/api/v1/auth/signout');
  setCsrfToken(null);
}

export async function changePassword(current_password: string, new_password: string): Promise<void> {
  await rawJson('POST', '/api/v1/auth/password', { current_password, new_password });
}

export interface Account {
  user: User;
  plan: { name: string; features: Record<string, boolean> };
  usage: { requests_today: number; daily_limit: number };
}

export async function account(): Promise<Account> {
  return rawJson<Account>('GET', '/api/v1/account');
}

export interface TokenItem {
  id: number;
  name: string | null;
  prefix: string;
  scopes: string[];
  created_at: string;
  last_used_at: string | null;
  expires_at: string | null;
}

export async function listTokens(): Promise<TokenItem[]> {
  return (await rawJson<{ tokens: TokenItem[] }>('GET', '/api/v1/tokens')).tokens;
}

export async function revokeToken(id: number): Promise<void> {
  await rawJson('DELETE', `/api/v1/tokens/${id}`);
}

export interface AdminUser extends User {
  links: number;
  packages: number;
  clicks: number;
}

export async function adminUsers(): Promise<AdminUser[]> {
  return (await rawJson<{ users: AdminUser[] }>('GET', '/api/v1/admin/users')).users;
}

export async function setUserPlan(id: number, plan: string): Promise<void> {
  await rawJson('PATCH', `/api/v1/admin/users/${id}`, { plan });
}

export interface Invite {
  id: number;
  url?: string;
  expires_at: string;
}

export async function listInvites(): Promise<Invite[]> {
  return (await rawJson<{ invites: Invite[] }>('GET', '/api/v1/admin/invites')).invites;
}

export async function createInvite(expires_in_days: number): Promise<Invite> {
  return (await rawJson<{ invite: Invite }>('POST', '/api/v1/admin/invites', { expires_in_days })).invite;
}

export async function deleteInvite(id: number): Promise<void> {
  await rawJson('DELETE', `/api/v1/admin/invites/${id}`);
}

export async function testWebhook(): Promise<void> {
  await rawJson('POST', '/api/v1/webhooks/test');
}
