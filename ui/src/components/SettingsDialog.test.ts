import { afterEach, describe, expect, it } from 'vitest';
import { cleanPage, mountOnPage, recordIPC, settle } from '../lib/dom-test';
import { app } from '../lib/state.svelte';
import SettingsDialog from './SettingsDialog.svelte';

const SETTINGS = { language: null, theme: null, external_player: null, library: null, read_screen_text: null, speech_model: null, speech_language: null };

describe('SettingsDialog', () => {
  afterEach(cleanPage);

  it('lists the watched folders, stops watching one and adds another', async () => {
    let folders = [
      { id: 1, path: '/videos/홍천기', state: 'watching' as const, clips: 3, problems: 0 },
      { id: 2, path: '/videos/old', state: 'offline' as const, clips: 1, problems: 0 },
    ];
    const calls = recordIPC((command, a) => {
      switch (command) {
        case 'settings':
          return { settings: SETTINGS, path: '/tmp/settings.json', problem: null, system_language: null, screen_text_off: null, speech_off: null };
        case 'cache_folder':
          return '/tmp/cache';
        case 'cache_usage':
          return { used_bytes: 0, limit_bytes: 500_000_000, files: 0 };
        case 'remove_folder':
          folders = folders.filter((f) => f.id !== a.id);
          return null;
        case 'add_folder':
          folders = [...folders, { id: 3, path: a.path, state: 'watching', clips: 0, problems: 0 }];
          return null;
        case 'facets':
          return { total: 4, untagged: 0, shows: [], people: [], tags: [], saved: [], folders };
        default:
          return null;
      }
    });
    app.settings = SETTINGS;
    await app.refreshFacets();
    mountOnPage(SettingsDialog, { theme: 'system', ontheme: () => {}, onclose: () => {} });
    await settle();
    const shown = () => [...document.querySelectorAll('[data-testid="settings-folder"] .path')].map((path) => path.textContent);
    expect(shown()).toEqual(['/videos/홍천기', '/videos/old']);

    const remove = document.querySelectorAll<HTMLButtonElement>('[data-testid="settings-folder-remove"]')[1];
    expect(remove.getAttribute('aria-label')).toBe('Stop watching /videos/old');
    remove.click();
    await settle();
    expect(calls.filter(([c]) => c === 'remove_folder')).toEqual([['remove_folder', { id: 2 }]]);
    expect(shown()).toEqual(['/videos/홍천기']);

    const field = document.querySelector<HTMLInputElement>('[data-testid="settings-folders"] [data-testid="add-folder-path"]')!;
    field.value = '/videos/new';
    field.dispatchEvent(new Event('input', { bubbles: true }));
    await settle();
    document.querySelector<HTMLButtonElement>('[data-testid="settings-folders"] [data-testid="add-folder-submit"]')!.click();
    await settle();
    expect(calls.filter(([c]) => c === 'add_folder')).toEqual([['add_folder', { path: '/videos/new' }]]);
    expect(shown()).toEqual(['/videos/홍천기', '/videos/new']);
  });
});
