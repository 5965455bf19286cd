import { lockUsableInvite, markInviteUsed } from '../db/invite-store';
import { isUniqueViolation } from '../db/pg-errors';
import { deleteUserSessions } from '../db/session-store';
import { issueToken, type IssuedToken } from '../db/token-store';
import { countUsers, createUser, findCredentials, findUserByEmail, setPasswordHash, setUserPlan, USERNAME_PATTERN, UsernameTaken, type User } from '../db/user-store';
import type { Plan } from '../lib/plans';
import { hashPassword, verifyPassword } from '../lib/secrets';
import type { Services } from '../services';
import { SCOPES, type Scope } from '../lib/tokens';
import { DomainError } from './errors';
import { emitWebhook } from './webhooks/emit';
import { webhookTimestamp } from './webhooks/events';

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 256;
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function checkPassword(password: string): void {
  if (password.length < PASSWORD_MIN_LENGTH || password.length > PASSWORD_MAX_LENGTH) {
    throw DomainError.invalid([`Password must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters`]);
  }
}

/** Serialises account creation, so two first sign-ups on a fresh install cannot both become admin. */
const FIRST_USER_LOCK = 727_275;

interface NewAccount {
  email: string;
  plan: Plan;
  username?: string;
  passwordHash?: string;
  invite?: string;
  /** Browser sign-up obeys config.signup (closed is refused before); the CLI creates accounts whatever it says. */
  checkSignupMode?: 'open' | 'invite';
}

/**
 * Creates a user under the first-user lock: the first account of an install becomes admin.
 * With checkSignupMode, a later account needs an open sign-up or a usable invite (consumed here).
 */
async function addUser(services: Services, account: NewAccount, withToken: boolean): Promise<{ user: User; token?: IssuedToken }> {
  if (!EMAIL_PATTERN.test(account.email)) throw DomainError.invalid([`Not an email address: ${account.email}`]);
  if (account.username !== undefined && !USERNAME_PATTERN.test(account.username)) {
    throw DomainError.invalid(['Username must be 1-39 lower-case letters, digits or inner hyphens']);
  }
  try {
    return await services.db.transaction(async (trx) => {
      await trx.raw('SELECT pg_advisory_xact_lock(?)', [FIRST_USER_LOCK]);
      const first = (await countUsers(trx)) === 0;
      const mode = account.checkSignupMode;
      const invite = mode === 'invite' && !first ? await lockUsableInvite(trx, account.invite ?? '') : undefined;
      if (mode === 'invite' && !first && !invite) throw new DomainError('forbidden', 'Sign-up needs an invite: this invite is missing, used or expired');
      const user = await createUser(trx, account.email, account.plan, { username: account.username, passwordHash: account.passwordHash, isAdmin: first });
      if (invite) await markInviteUsed(trx, invite.id, user.id);
      const token = withToken ? await issueToken(trx, user.id, SCOPES) : undefined;
      return { user, token };
    });
  } catch (err) {
    if (isUniqueViolation(err, 'users_email_unique')) throw new DomainError('conflict', `A user with email ${account.email} already exists`);
    if (err instanceof UsernameTaken) throw new DomainError('conflict', err.message);
    throw err;
  }
}

/** The CLI's users:create: an account and its first token (every scope). */
export async function createAccount(services: Services, email: string, plan: Plan, username?: string): Promise<{ user: User; token: IssuedToken }> {
  const { user, token } = await addUser(services, { email, plan, username }, true);
  return { user, token: token as IssuedToken };
}

export interface SignUp {
  email: string;
  password: string;
  username?: string;
  invite?: string;
}

/** Browser sign-up on the free plan, as config.signup allows. */
export async function signUp(services: Services, input: SignUp): Promise<User> {
  checkPassword(input.password);
  const mode = services.config.signup;
  if (mode === 'closed') throw new DomainError('forbidden', 'Sign-up is closed: ask the operator for an account');
  const passwordHash = await hashPassword(input.password, services.config.passwordHashCost);
  const { user } = await addUser(services, { ...input, plan: 'free', passwordHash, checkSignupMode: mode }, false);
  return user;
}

let dummyHash: { cost: number; hash: Promise<string> } | undefined;

/** A hash to check against when there is no account, so an unknown email costs as long as a wrong password. */
function hashForMissingAccount(cost: number): Promise<string> {
  if (dummyHash?.cost !== cost) dummyHash = { cost, hash: hashPassword('no account has this password', cost) };
  return dummyHash.hash;
}

/** The user whose email and password these are, or undefined (wrong, unknown, or no password set). */
export async function checkCredentials(services: Services, where: { email: string } | { id: number }, password: string): Promise<User | undefined> {
  const found = await findCredentials(services.db, where);
  const stored = found?.passwordHash ?? (await hashForMissingAccount(services.config.passwordHashCost));
  const ok = await verifyPassword(password, stored);
  return ok && found?.passwordHash ? found.user : undefined;
}

/** Sets a new password and ends the user's sessions (but `keepSessionId`, the one that asked). */
export async function setPassword(services: Services, userId: number, password: string, keepSessionId?: number): Promise<void> {
  checkPassword(password);
  const hash = await hashPassword(password, services.config.passwordHashCost);
  await services.db.transaction(async (trx) => {
    await setPasswordHash(trx, userId, hash);
    await deleteUserSessions(trx, userId, keepSessionId);
  });
}

export async function setPasswordByEmail(services: Services, email: string, password: string): Promise<User> {
  const user = await findUserByEmail(services.db, email);
  if (!user) throw new DomainError('not_found', `No user with email ${email}`);
  await setPassword(services, user.id, password);
  return user;
}

/** Changes a plan and, when it did change, fires subscription.updated (CLI and admin API alike). */
export async function changePlan(services: Services, where: { email: string } | { id: number }, plan: Plan): Promise<User> {
  const changed = await setUserPlan(services.db, where, plan);
  if (!changed) throw new DomainError('not_found', 'email' in where ? `No user with email ${where.email}` : `No user with id ${where.id}`);
  if (changed.before.plan !== changed.after.plan) {
    await emitWebhook(services, changed.after.id, 'subscription.updated', {
      subscription: { plan: changed.after.plan, previous_plan: changed.before.plan, updated_at: webhookTimestamp(changed.after.updated_at) },
    });
  }
  return changed.after;
}

export async function createToken(services: Services, email: string, scopes: readonly Scope[], days?: number): Promise<IssuedToken> {
  const user = await findUserByEmail(services.db, email);
  if (!user) throw new DomainError('not_found', `No user with email ${email}`);
  return issueToken(services.db, user.id, scopes, { days });
}
