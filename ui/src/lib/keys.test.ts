import { describe, expect, it } from 'vitest';
import { setLanguage } from './i18n.svelte';
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
  it('says in Korean what kind of failure a core message is, in a Korean window', () => {
    setLanguage('ko');
    expect(errorText({ kind: 'not_found', message: 'no show "x"' })).toBe('찾을 수 없습니다: no show "x"');
    expect(errorText({ kind: 'something new', message: 'm' })).toBe('m');
    expect(errorText(new Error('plain'))).toBe('plain');
    setLanguage('en');
    expect(errorText({ kind: 'not_found', message: 'no show "x"' })).toBe('no show "x"');
  });
});
