#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { AccountError, changePlan, createAccount, createToken } from '../domain/accounts';
import { isPlan, PLANS, type Plan } from '../lib/plans';
import { closeServices, createServices, type Services } from '../services';
import { isScope, SCOPES, type Scope } from '../lib/tokens';
import { configOrExit } from './lifecycle';
import { createLogger } from '../logger';

const USAGE = `Usage: linktally <command> [options]

  users:create --email E [--plan free|pro|enterprise]   create a user and print a new API token
  users:plan   --email E --plan P                       change a user's plan
  tokens:create --email E [--scopes a,b] [--days N]     print a new API token for a user

Scopes: ${SCOPES.join(', ')}`;

class UsageError extends Error {}

function plan(value: string | undefined, fallback?: Plan): Plan {
  if (value === undefined && fallback) return fallback;
  if (value === undefined || !isPlan(value)) throw new UsageError(`--plan must be one of ${PLANS.join(', ')}`);
  return value;
}

function email(value: string | undefined): string {
  if (!value) throw new UsageError('--email is required');
  return value;
}

function scopes(value: string | undefined): Scope[] {
  if (value === undefined) return [...SCOPES];
  const list = value.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = list.filter((s) => !isScope(s));
  if (list.length === 0 || unknown.length > 0) throw new UsageError(`unknown scope(s): ${unknown.join(', ') || '(none given)'}`);
  return list as Scope[];
}

function days(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 3650) throw new UsageError('--days must be a whole number from 1 to 3650');
  return n;
}

async function run(services: Services, command: string, values: Record<string, string | undefined>): Promise<object> {
  switch (command) {
    case 'users:create': {
      const { user, token } = await createAccount(services, email(values.email), plan(values.plan, 'free'));
      return { user: { id: user.id, email: user.email, plan: user.plan }, api_token: token.token, scopes: token.record.scopes, expires_at: token.record.expires_at };
    }
    case 'users:plan': {
      const user = await changePlan(services, email(values.email), plan(values.plan));
      return { user: { id: user.id, email: user.email, plan: user.plan } };
    }
    case 'tokens:create': {
      const token = await createToken(services, email(values.email), scopes(values.scopes), days(values.days));
      return { api_token: token.token, scopes: token.record.scopes, expires_at: token.record.expires_at };
    }
    default:
      throw new UsageError(`unknown command: ${command}`);
  }
}

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { email: { type: 'string' }, plan: { type: 'string' }, scopes: { type: 'string' }, days: { type: 'string' }, help: { type: 'boolean' } },
  });
  const command = positionals[0];
  if (!command || values.help) {
    process.stdout.write(`${USAGE}\n`);
    return command ? 0 : 2;
  }
  const config = configOrExit();
  const services = createServices(config, { logger: createLogger('warn', 'cli'), dbPoolMax: 2 });
  try {
    const result = await run(services, command, values as Record<string, string | undefined>);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return 0;
  } catch (err) {
    if (err instanceof UsageError || err instanceof AccountError) {
      process.stderr.write(`error: ${err.message}\n${err instanceof UsageError ? `\n${USAGE}\n` : ''}`);
      return 2;
    }
    throw err;
  } finally {
    await closeServices(services);
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`error: ${(err as Error).message}\n`);
    process.exit(1);
  },
);
