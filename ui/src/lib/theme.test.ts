import { describe, expect, it } from 'vitest';
import { applyTheme, nextTheme, savedTheme } from './theme';

describe('theme', () => {
  it('cycles system → light → dark → system', () => {
    expect([nextTheme('system'), nextTheme('light'), nextTheme('dark')]).toEqual(['light', 'dark', 'system']);
  });
  it('remembers the choice and ignores junk', () => {
    applyTheme('dark');
    expect(document.documentElement.dataset.theme).toBe('dark');
    expect(savedTheme()).toBe('dark');
    localStorage.setItem('outtake.theme', 'purple');
    expect(savedTheme()).toBe('system');
  });
});
