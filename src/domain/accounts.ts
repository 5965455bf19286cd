import { issueToken, type IssuedToken } from '../db/token-store';
import { createUser, findUserByEmail, setUserPlan, type User } from '../db/user-store';
import { isUniqueViolation } from '../db/pg-errors';
import type { Plan } from '../lib/plans';
import type { Services } from '../services';
import { SCOPES, type Scope } from '../lib/tokens';
import { emitWebhook } from './webhooks/emit';
import { webhookTimestamp } from './webhooks/events';

export class AccountError extends Error {}

export async function createAccount(services: Services, email: string, plan: Plan): Promise<{ user: User; token: IssuedToken }> {
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new AccountError(`Not an email address: ${email}`);
  try {
    return await services.db.transaction(async (trx) => {
      const user = await createUser(trx, email, plan);
      const token = await issueToken(trx, user.id, SCOPES);
      return { user, token };
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AccountError(`A user with email ${email} already exists`);
    throw err;
  }
}

export async function changePlan(services: Services, email: string, plan: Plan): Promise<User> {
  const changed = await setUserPlan(services.db, email, plan);
  if (!changed) throw new AccountError(`No user with email ${email}`);
  if (changed.before.plan !== changed.after.plan) {
    await emitWebhook(services, changed.after.id, 'subscription.updated', {
      subscription: { plan: changed.after.plan, previous_plan: changed.before.plan, updated_at: webhookTimestamp(changed.after.updated_at) },
    });
  }
  return changed.after;
}

export async function createToken(services: Services, email: string, scopes: readonly Scope[], days?: number): Promise<IssuedToken> {
  const user = await findUserByEmail(services.db, email);
  if (!user) throw new AccountError(`No user with email ${email}`);
  return issueToken(services.db, user.id, scopes, days);
}
