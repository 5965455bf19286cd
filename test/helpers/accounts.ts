import { issueToken } from '../../src/db/token-store';
import { createUser, type User } from '../../src/db/user-store';
import type { Plan } from '../../src/lib/plans';
import type { Services } from '../../src/services';
import { SCOPES, type Scope } from '../../src/lib/tokens';

let counter = 0;

export interface TestAccount {
  user: User;
  token: string;
  auth: { authorization: string };
}

export interface AccountOptions {
  plan?: Plan;
  scopes?: Scope[];
  days?: number;
}

export async function createAccount(services: Services, options: AccountOptions = {}): Promise<TestAccount> {
  const user = await createUser(services.db, `user${++counter}-${Date.now()}@example.com`, options.plan ?? 'enterprise');
  const issued = await issueToken(services.db, user.id, options.scopes ?? SCOPES, { days: options.days });
  return { user, token: issued.token, auth: { authorization: `Bearer ${issued.token}` } };
}
