import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { mount, unmount } from 'svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { settle } from '../lib/dom-test';
import { app } from '../lib/state.svelte';
import SearchBox from './SearchBox.svelte';

function type(input: HTMLInputElement, text: string) {
  input.value = text;
  input.setSelectionRange(text.length, text.length);
  input.dispatchEvent(new Event('input', { bubbles: true }));
}

describe('SearchBox', () => {
  let component: ReturnType<typeof mount> | null = null;
  afterEach(() => {
    if (component) unmount(component);
    component = null;
    clearMocks();
    vi.useRealTimers();
    document.body.innerHTML = '';
  });

  it('suggests for the token under the caret and puts the choice in its place', async () => {
    const calls: [string, unknown][] = [];
    mockIPC((command, args) => {
      calls.push([command, args]);
      if (command === 'suggest') {
        return [{ kind: 'cast', label: 'Kim Yoo Jung', detail: '김유정', insert: 'cast:"Kim Yoo Jung"' }];
      }
      if (command === 'search') return { clips: [], more: false, elapsed_ms: 0.5 };
      return null;
    });
    component = mount(SearchBox, { target: document.body });
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
    expect(calls.some(([command, args]) => command === 'search' && (args as { query: string }).query.includes('cast:"Kim'))).toBe(true);
  });

  it('shows a bad query\'s message in place', async () => {
    mockIPC((command) => {
      if (command === 'search') throw { kind: 'invalid', message: 'ep: "x" is not an episode number' };
      return [];
    });
    component = mount(SearchBox, { target: document.body });
    await app.search('ep:x');
    await settle();
    expect(document.querySelector('[data-testid="search-error"]')?.textContent).toBe('ep: "x" is not an episode number');
    await app.search('');
  });
});
