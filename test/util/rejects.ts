// The bad-input assertion shared by the *.errors tests.
import { expect } from 'vitest';

/** The error classes a rejected argument may raise. */
export type ErrorClass = typeof TypeError | typeof RangeError;

/**
 * Asserts that `call` throws `cls` with a message that starts with the
 * argument's name `arg` (and contains `limit`, when given); returns the error.
 */
export function rejects(call: () => unknown, cls: ErrorClass, arg: string, limit = ''): Error {
  let error: unknown;
  try {
    call();
  } catch (e) {
    error = e;
  }
  expect(error, `expected a ${cls.name} naming ${arg}`).toBeInstanceOf(cls);
  const message = (error as Error).message;
  expect(message.startsWith(arg), message).toBe(true);
  expect(message).toContain(limit);
  return error as Error;
}
