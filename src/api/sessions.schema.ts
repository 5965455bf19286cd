import { z } from 'zod';
import { singleLine } from '../lib/schemas';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../domain/accounts';
import type { User } from '../db/user-store';
import { USERNAME_PATTERN } from '../db/user-store';
import { PLANS } from '../lib/plans';

const email = singleLine('Email').trim().min(3).max(254).email({ error: 'Email is not an email address' });
/** Passwords are taken as typed (no trimming, but no control characters); the length rule is the domain's (accounts.ts). */
const newPassword = singleLine('Password').min(PASSWORD_MIN_LENGTH, `Password is too short (minimum is ${PASSWORD_MIN_LENGTH} characters)`).max(PASSWORD_MAX_LENGTH, `Password is too long (maximum is ${PASSWORD_MAX_LENGTH} characters)`);
const anyPassword = singleLine('Password').min(1, 'Password can\'t be blank').max(PASSWORD_MAX_LENGTH);

export const signupBody = z.object({
  email,
  password: newPassword,
  username: singleLine('Username').trim().toLowerCase().regex(USERNAME_PATTERN, 'Username must be 1-39 lower-case letters, digits or inner hyphens').optional(),
  invite: singleLine('Invite').max(100).optional(),
}).strict();

export const signinBody = z.object({ email, password: anyPassword }).strict();

export const passwordBody = z.object({ current_password: anyPassword, new_password: newPassword }).strict();

export const userObject = z.object({
  id: z.number().int(),
  email: z.string(),
  username: z.string(),
  plan: z.enum(PLANS),
  is_admin: z.boolean(),
  created_at: z.string(),
}).meta({ id: 'User' });

export function presentUser(user: User): z.infer<typeof userObject> {
  return { id: user.id, email: user.email, username: user.username, plan: user.plan, is_admin: user.is_admin, created_at: user.created_at.toISOString() };
}

export const sessionAnswer = z.object({ success: z.literal(true), user: userObject, csrf_token: z.string() })
  .meta({ id: 'Session', description: 'The signed-in user, and the CSRF token to send as X-CSRF-Token on unsafe requests' });

export const authOptions = z.object({ success: z.literal(true), signup: z.enum(['open', 'invite', 'closed']), needs_first_user: z.boolean() });
