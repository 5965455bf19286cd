import { createAccount, type AccountOptions, type TestAccount } from './accounts';
import { startStack, type Stack, type StackOptions } from './stack';

/**
 * The usual setup of an integration suite, registered as mocha hooks in the describe that calls
 * it: one stack started before its tests and stopped after them, emptied before each test.
 *
 *   const { stack } = useStack({ workers: true });
 *
 * The stack only exists once the suite's `before` hooks have run; `stack` stands for it from
 * then on, so it can be used as it is in hooks and tests, but not in the describe body itself.
 * Hooks the suite registers after this call run after these (beforeEach after the reset).
 */
export function useStack(options: StackOptions = {}): { stack: Stack } {
  let current: Stack | undefined;
  before('start the stack', async () => {
    current = await startStack(options);
  });
  after('stop the stack', async () => {
    await current?.stop();
    current = undefined;
  });
  const stack = late<Stack>('the stack', () => current);
  beforeEach('reset the stack', () => stack.reset());
  return { stack };
}

/**
 * useStack, and before each test (after the reset) a fresh account: `account` is the current
 * test's.
 *
 *   const { stack, account } = useStackWithAccount({ workers: true }, { plan: 'pro' });
 */
export function useStackWithAccount(options: StackOptions = {}, accountOptions: AccountOptions = {}): { stack: Stack; account: TestAccount } {
  const { stack } = useStack(options);
  let current: TestAccount | undefined;
  beforeEach('create an account', async () => {
    current = await createAccount(stack.services, accountOptions);
  });
  return { stack, account: late<TestAccount>('the account', () => current) };
}

/** An object that stands for whatever `current()` returns at the moment it is used. */
export function late<T extends object>(what: string, current: () => T | undefined): T {
  const target = (): T => {
    const value = current();
    if (value === undefined) throw new Error(`${what} is not there yet: it is set up in a mocha hook, so use it inside hooks and tests`);
    return value;
  };
  return new Proxy({} as T, {
    get: (_, key) => Reflect.get(target(), key),
    set: (_, key, value) => Reflect.set(target(), key, value),
    has: (_, key) => Reflect.has(target(), key),
    ownKeys: () => Reflect.ownKeys(target()),
    getOwnPropertyDescriptor: (_, key) => Reflect.getOwnPropertyDescriptor(target(), key),
  });
}
