// A result the test needs to go on (an offset from alloc or claim, an
// optional field of a worker's report): expects it present and returns it
// typed without null, so the test fails here, not on a later `words[null]`.
import { expect } from 'vitest';

/** `v`, after `expect(v).not.toBeNull()` and `expect(v).toBeDefined()`. */
export function present<T>(v: T | null | undefined): T {
  expect(v).not.toBeNull();
  expect(v).toBeDefined();
  return v as T;
}
