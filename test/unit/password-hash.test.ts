import assert from 'node:assert/strict';
import { loadSettings } from '../../src/config';
import { hashPassword, verifyPassword } from '../../src/lib/secrets';

describe('Account password hashing', () => {
  it('defaults to scrypt with N = 2^17, r = 8, p = 1 (OWASP\'s minimum), recorded in the stored hash', async () => {
    const config = loadSettings({ NODE_ENV: 'test' });
    assert.equal(config.passwordHashCost, 17);
    const stored = await hashPassword('correct horse battery staple', config.passwordHashCost);
    assert.match(stored, /^scrypt\$131072\$8\$1\$/);
    assert.equal(await verifyPassword('correct horse battery staple', stored), true);
    assert.equal(await verifyPassword('correct horse battery stapler', stored), false);
  });

  it('refuses a cost outside 14-20 at start, naming the variable', () => {
    assert.throws(() => loadSettings({ PASSWORD_HASH_COST: '10' }), /PASSWORD_HASH_COST/);
    assert.throws(() => loadSettings({ SESSION_IDLE_DAYS: '40', SESSION_LIFETIME_DAYS: '30' }), /SESSION_LIFETIME_DAYS/);
    assert.throws(() => loadSettings({ SIGNUP: 'sometimes' }), /SIGNUP/);
  });

  it('does not verify a stored hash whose cost is out of bounds instead of hashing with it', async () => {
    assert.equal(await verifyPassword('x', 'scrypt$1099511627776$8$1$c2FsdA==$aGFzaA=='), false);
  });
});
