import { mockIPC } from '@tauri-apps/api/mocks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanPage, mountOnPage, recordIPC, settle } from '../lib/dom-test';
import { app } from '../lib/state.svelte';
import SearchBox from './SearchBox.svelte';

function type(input: HTMLInputElement, text: string) {
  input.value = text;
  input.setSelectionRange(text.length, text.length);
  input.dispatchEvent(new Event('input', { bubbles: true }));
}

describe('SearchBox', () => {
  afterEach(() => {
    cleanPage();
    vi.useRealTimers();
  });

  it('suggests for the token under the caret and puts the choice in its place', async () => {
    const calls = recordIPC((command) => {
      if (command === 'suggest') {
        return [{ kind: 'cast', label: 'Kim Yoo Jung', detail: '김유정', insert: 'cast:"Kim Yoo Jung"' }];
      }
      if (command === 'search') return { clips: [], more: false, elapsed_ms: 0.5 };
      return null;
    });
    mountOnPage(SearchBox, {});
    const input = document.querySelector<HTMLInputElement>('[data-testid="search-input"]')!;
    type(input, 'horse cast:kim');
    await settle();
    expect(calls).toContainEqual(['suggest', { text: 'cast:kim' }]);
    const shown = [...document.querySelectorAll('[data-testid="suggestion"]')].map((s) => s.textContent);
    expect(shown.join()).toContain('Kim Yoo Jung');
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    await settle();
    expect(input.value).toBe('horse cast:"Kim Yoo Jung" ');
    expect(document.querySelector('[data-testid="suggestions"]')).toBeNull();
    expect(calls.some(([command, args]) => command === 'search' && args.query.includes('cast:"Kim'))).toBe(true);
  });

  it('shows a bad query\'s message in place', async () => {
    mockIPC((command) => {
      if (command === 'search') throw { kind: 'invalid', message: 'ep: "x" is not an episode number' };
      return [];
    });
    mountOnPage(SearchBox, {});
    await app.search('ep:x');
    await settle();
    expect(document.querySelector('[data-testid="search-error"]')?.textContent).toBe('ep: "x" is not an episode number');
    await app.search('');
  });
});
