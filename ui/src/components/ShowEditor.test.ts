import { afterEach, describe, expect, it } from 'vitest';
import { LAST_EDIT, byTestId, cleanPage, click, fill, mountOnPage, recordIPC, settle } from '../lib/dom-test';
import { app } from '../lib/state.svelte';
import ShowEditor from './ShowEditor.svelte';

describe('ShowEditor', () => {
  afterEach(cleanPage);

  const SHOW = { id: 1, title: 'Lovers of the Red Sky', native_title: '홍천기', aliases: [], network: null, year: null };

  /** A fake library with one show; records every call. */
  function library() {
    const people = new Set<string>();
    const roles: { person: string; character: string }[] = [];
    let show = { ...SHOW };
    return recordIPC((command, a) => {
      switch (command) {
        case 'shows':
          return [show];
        case 'show_view':
          return {
            show,
            cast: roles.map((r, i) => ({ id: i, person_id: i, person: r.person, show_id: 1, show: 'x', character: r.character, native_character: null })),
            episodes: [],
            scenes: [],
          };
        case 'update_show':
          show = { id: a.show_id, ...a.show };
          return show;
        case 'add_role':
          if (!people.has(a.person)) throw { kind: 'not_found', message: `no person "${a.person}"` };
          roles.push({ person: a.person, character: a.role.character });
          return { id: 1 };
        case 'add_person':
          people.add(a.person.name);
          return { id: 1 };
        case 'suggest':
          return [];
        default:
          return null;
      }
    });
  }

  it('adds a person it does not know before giving them a role', async () => {
    const calls = library();
    mountOnPage(ShowEditor, { onclose: () => {} });
    await settle();
    fill('cast-person', 'Kim Yoo Jung');
    fill('cast-native', '김유정');
    fill('cast-character', 'Hong Chun Gi');
    await settle();
    click('cast-add');
    await settle();
    const order = calls.map(([c]) => c).filter((c) => c.startsWith('add_'));
    expect(order).toEqual(['add_role', 'add_person', 'add_role']);
    expect(calls.find(([c]) => c === 'add_person')?.[1]).toEqual({
      person: { name: 'Kim Yoo Jung', native_name: '김유정', aliases: [] },
    });
    expect(document.querySelector('[data-testid="cast-row"]')?.textContent).toMatch(/Kim Yoo Jung\s*as\s*Hong Chun Gi/);
    expect(document.querySelector('[role="alert"]')).toBeNull();
  });

  it('edits a show, and the edit can be undone', async () => {
    const calls = library();
    mountOnPage(ShowEditor, { onclose: () => {} });
    await settle();
    expect(byTestId<HTMLInputElement>('show-native').value).toBe('홍천기');
    fill('show-aliases', 'Hong Chun-gi, Red Sky');
    fill('show-network', 'SBS');
    fill('show-year', '2021');
    await settle();
    click('show-save');
    await settle();
    const update = () => calls.filter(([c]) => c === 'update_show').map(([, a]) => a);
    expect(update()).toEqual([
      {
        show_id: 1,
        show: { title: 'Lovers of the Red Sky', native_title: '홍천기', aliases: ['Hong Chun-gi', 'Red Sky'], network: 'SBS', year: 2021 },
      },
    ]);
    expect(byTestId<HTMLInputElement>('show-aliases').value).toBe('Hong Chun-gi, Red Sky');
    // The toast names the edit the core recorded; its Undo asks the core for exactly that one.
    const toast = app.toasts.at(-1)!;
    expect(toast).toMatchObject({ text: 'Changed the show Lovers of the Red Sky', edit: LAST_EDIT.id });
    await app.undo(toast.edit);
    expect(calls.at(-1)).toEqual(['undo', { edit_id: LAST_EDIT.id }]);
    expect(update()).toHaveLength(1);
  });

  it('names the wrong field and changes nothing', async () => {
    const calls = library();
    mountOnPage(ShowEditor, { onclose: () => {} });
    await settle();
    fill('show-year', 'twenty');
    await settle();
    click('show-save');
    await settle();
    expect(document.querySelector('[role="alert"]')?.textContent).toBe('Year: "twenty" is not a year');
    fill('episode-number', '3');
    fill('episode-date', '2021-13-01');
    await settle();
    click('episode-add');
    await settle();
    expect(document.querySelector('[role="alert"]')?.textContent).toBe('Air date: "2021-13-01" is not a date (YYYY-MM-DD)');
    expect(calls.filter(([c]) => c.startsWith('update_') || c.startsWith('add_'))).toEqual([]);
  });
});
