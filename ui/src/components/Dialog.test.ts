import { flushSync } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanPage, mountOnPage, recordIPC, settle } from '../lib/dom-test';
import Shortcuts from './Shortcuts.svelte';
import TagManager from './TagManager.svelte';

const tab = (shiftKey = false) =>
  document.activeElement?.dispatchEvent(new KeyboardEvent('keydown', { key: 'Tab', shiftKey, bubbles: true, cancelable: true }));

describe('Dialog', () => {
  afterEach(cleanPage);

  it('takes focus when it opens, keeps Tab inside and gives focus back when it closes', () => {
    const opener = document.createElement('button');
    document.body.append(opener);
    opener.focus();
    let closed = 0;
    mountOnPage(Shortcuts, { onclose: () => closed++ });
    flushSync();
    const sheet = document.querySelector<HTMLElement>('[role="dialog"]')!;
    expect(sheet.getAttribute('aria-modal')).toBe('true');
    expect(sheet.contains(document.activeElement)).toBe(true);
    // The shortcut list has one control, its close button: Tab and Shift+Tab stay on it.
    const close = sheet.querySelector('header button');
    tab();
    expect(document.activeElement).toBe(close);
    tab(true);
    expect(document.activeElement).toBe(close);
    document.activeElement?.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    expect(closed).toBe(1);
    let refocused = 0;
    opener.addEventListener('focus', () => refocused++);
    cleanPage();
    expect(refocused).toBe(1);
  });

  it('goes round from the last control to the first', async () => {
    recordIPC((command) => (command === 'tags' ? [{ id: 1, namespace: null, name: 'bts', full_name: 'bts', aliases: [], parents: [] }] : null));
    const opener = document.createElement('button');
    document.body.append(opener);
    opener.focus();
    mountOnPage(TagManager, { onclose: () => {} });
    await settle();
    const controls = [...document.querySelectorAll<HTMLElement>('[role="dialog"] button')];
    expect(controls.length).toBeGreaterThan(2);
    controls.at(-1)!.focus();
    tab();
    expect(document.activeElement).toBe(controls[0]);
    tab(true);
    expect(document.activeElement).toBe(controls.at(-1));
  });
});
