#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { changePlan, createAccount, createToken, setPasswordByEmail } from '../domain/accounts';
import { DomainError } from '../domain/errors';
import { listAllLiveTokens, revokeTokenTree } from '../db/token-store';
import { listUsersWithUsage } from '../db/user-store';
import { isPlan, PLANS, type Plan } from '../lib/plans';
import { closeServices, createServices, type Services } from '../services';
import { isScope, SCOPES, type Scope } from '../lib/tokens';
import { startProcess } from './lifecycle';
import { createLogger } from '../logger';

const USAGE = `Usage: linktally <command> [options]

  users:create --email E [--plan free|pro|enterprise] [--username U]
                                                        create a user and print a new API token
  users:list                                            list users with plan, role and usage
  users:plan   --email E --plan P                       change a user's plan
  users:password --email E                              set a user's password, read from standard
                                                        input (one line), or a generated one that is
                                                        printed when standard input is a terminal or
                                                        empty; ends the user's browser sessions
  tokens:create --email E [--scopes a,b] [--days N]     print a new API token for a user
  tokens:list  [--email E]                              list live API tokens (never their secrets)
  tokens:revoke --id N                                  revoke a token and every token it generated

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

function id(value: string | undefined): number {
  if (value === undefined || !/^\d{1,15}$/.test(value)) throw new UsageError('--id must be a token id (a whole number)');
  return Number(value);
}

/** The new password: standard input's first line when it is piped, else a generated one (printed). */
async function passwordInput(): Promise<{ password: string; generated: boolean }> {
  if (!process.stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    const line = Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
    if (line) return { password: line, generated: false };
  }
  return { password: randomBytes(18).toString('base64url'), generated: true };
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
      const { user, token } = await createAccount(services, email(values.email), plan(values.plan, 'free'), values.username);
      return { user: { id: user.id, email: user.email, username: user.username, plan: user.plan, is_admin: user.is_admin }, api_token: token.token, scopes: token.record.scopes, expires_at: token.record.expires_at };
    }
    case 'users:plan': {
      const user = await changePlan(services, { email: email(values.email) }, plan(values.plan));
      return { user: { id: user.id, email: user.email, plan: user.plan } };
    }
    case 'users:list': {
      const users = await listUsersWithUsage(services.db);
      return { users: users.map((u) => ({ id: u.id, email: u.email, username: u.username, plan: u.plan, is_admin: u.is_admin, created_at: u.created_at, links: u.links, packages: u.packages, clicks: u.clicks, installs: u.installs })) };
    }
    case 'users:password': {
      const address = email(values.email);
      const { password, generated } = await passwordInput();
      const user = await setPasswordByEmail(services, address, password);
      return { user: { id: user.id, email: user.email }, ...(generated ? { password } : {}), message: 'Password set; the user\'s browser sessions have ended' };
    }
    case 'tokens:list': {
      const all = await listAllLiveTokens(services.db);
      const tokens = values.email ? all.filter((t) => t.email === values.email?.toLowerCase()) : all;
      return { tokens: tokens.map((t) => ({ id: t.id, email: t.email, name: t.name, prefix: t.display_prefix, scopes: t.scopes, parent_id: t.parent_token_id, created_at: t.created_at, last_used_at: t.last_used_at, expires_at: t.expires_at })) };
    }
    case 'tokens:revoke': {
      const revoked = await revokeTokenTree(services.db, id(values.id));
      if (revoked === 0) throw new DomainError('not_found', `No live token with id ${values.id}`);
      return { revoked };
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
    options: { email: { type: 'string' }, username: { type: 'string' }, id: { type: 'string' }, plan: { type: 'string' }, scopes: { type: 'string' }, days: { type: 'string' }, help: { type: 'boolean' } },
  });
  const command = positionals[0];
  if (!command || values.help) {
    process.stdout.write(`${USAGE}\n`);
    return command ? 0 : 2;
  }
  // The CLI prints its answer as JSON on stdout, so its logs go to stderr: a warning (a slow
  // dependency, say) must never make that answer unreadable. The instance-secret notice is not logged.
  const stderr = pino.destination({ dest: 2, sync: true });
  const { config } = await startProcess('cli', createLogger('error', 'cli', 'auto', stderr));
  const services = createServices(config, { logger: createLogger('warn', 'cli', 'auto', stderr), dbPoolMax: 2 });
  try {
    const result = await run(services, command, values as Record<string, string | undefined>);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`error: ${err.message}\n\n${USAGE}\n`);
      return 2;
    }
    if (err instanceof DomainError) {
      process.stderr.write(`error: ${err.errors?.join('; ') ?? err.message}\n`);
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
