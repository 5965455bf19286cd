import assert from 'node:assert/strict';
import { ConfigError, loadSettings } from '../../src/config';

describe('CLICK_RETENTION_DAYS', () => {
  it('keeps raw clicks forever when unset', () => {
    assert.equal(loadSettings({}).clickRetentionDays, null);
  });

  it('reads a whole number of days', () => {
    assert.equal(loadSettings({ CLICK_RETENTION_DAYS: '400' }).clickRetentionDays, 400);
  });

  for (const value of ['0', '-5', '30.5', 'forever', '99999']) {
    it(`stops the process naming the variable when it is ${JSON.stringify(value)}`, () => {
      assert.throws(() => loadSettings({ CLICK_RETENTION_DAYS: value }), (err: unknown) => err instanceof ConfigError && /CLICK_RETENTION_DAYS/.test(err.message));
    });
  }
});
