import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { request } from '../helpers/http';
import { sessionFrom, signIn, signUp } from '../helpers/sessions';
import { useStack } from '../helpers/use-stack';

const ROOT = join(__dirname, '../..');

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  json: any;
}

/** The admin CLI as an operator runs it, against this run's database and Redis prefix. */
function cli(args: string[], stdin?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/bin/cli.ts'), ...args], {
      cwd: ROOT, env: process.env, stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d));
    child.stderr?.on('data', (d: Buffer) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      let json: unknown;
      try {
        json = JSON.parse(stdout);
      } catch {
        json = undefined;
      }
      resolve({ code, stdout, stderr, json });
    });
    if (stdin !== undefined) child.stdin?.end(stdin);
  });
}

describe('Admin CLI: users and tokens', function () {
  this.timeout(60_000);
  const { stack } = useStack({ env: { SIGNUP: 'open' } });

  it('makes the first account admin, lists users, sets a password that ends sessions, and lists and revokes tokens down their tree', async () => {
    const created = await cli(['users:create', '--email', 'Operator@Example.com', '--username', 'operator']);
    assert.equal(created.code, 0, created.stderr);
    assert.equal(created.json.user.is_admin, true);
    assert.equal(created.json.user.username, 'operator');
    const member = await signUp(stack);

    const listed = await cli(['users:list']);
    assert.deepEqual(listed.json.users.map((u: { email: string; is_admin: boolean }) => [u.email, u.is_admin]), [['operator@example.com', true], [member.user.email, false]]);

    const set = await cli(['users:password', '--email', member.user.email], 'a password set by the operator\n');
    assert.equal(set.code, 0, set.stderr);
    assert.equal(set.json.password, undefined, 'a password read from standard input is not printed');
    assert.equal((await request(stack.url('/api/v1/auth/session'), { headers: member.cookie })).status, 401, 'the user\'s sessions ended');
    assert.equal((await signIn(stack, member.user.email, 'a password set by the operator')).status, 200);

    const generated = await cli(['users:password', '--email', 'operator@example.com']);
    assert.equal(typeof generated.json.password, 'string');
    const operator = sessionFrom(await signIn(stack, 'operator@example.com', generated.json.password), generated.json.password);

    const child = await request(stack.url('/api/v1/tokens/generate'), { method: 'POST', headers: { authorization: `Bearer ${created.json.api_token}` }, json: { name: 'child' } });
    const tokens = await cli(['tokens:list', '--email', 'operator@example.com']);
    assert.equal(tokens.code, 0, tokens.stderr);
    assert.deepEqual(tokens.json.tokens.map((t: { name: string | null }) => t.name), ['child', null]);
    assert.ok(!tokens.stdout.includes(created.json.api_token));
    const root = tokens.json.tokens[1];
    const revoked = await cli(['tokens:revoke', '--id', String(root.id)]);
    assert.deepEqual(revoked.json, { revoked: 2 });
    assert.equal((await request(stack.url('/api/v1/links'), { headers: { authorization: `Bearer ${child.body.api_token}` } })).status, 401);
    assert.equal((await request(stack.url('/api/v1/admin/users'), { headers: operator.cookie })).status, 200);

    const missing = await cli(['tokens:revoke', '--id', String(root.id)]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /No live token/);
    const short = await cli(['users:password', '--email', member.user.email], 'short\n');
    assert.equal(short.code, 2);
    assert.match(short.stderr, /Password must be/);
  });
});
