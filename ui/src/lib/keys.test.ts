import { describe, expect, it } from 'vitest';
import { errorKind, errorText, typingIn } from './keys';

describe('keys', () => {
  it('knows when a key belongs to a text field', () => {
    expect(typingIn(document.createElement('input'))).toBe(true);
    expect(typingIn(document.createElement('textarea'))).toBe(true);
    expect(typingIn(document.createElement('button'))).toBe(false);
    expect(typingIn(null)).toBe(false);
  });
  it('reads IPC errors and plain ones', () => {
    const ipc = { kind: 'invalid', message: 'ep: "x" is not a number' };
    expect(errorText(ipc)).toBe('ep: "x" is not a number');
    expect(errorKind(ipc)).toBe('invalid');
    expect(errorText('boom')).toBe('boom');
    expect(errorKind(new Error('x'))).toBe(null);
  });
});
