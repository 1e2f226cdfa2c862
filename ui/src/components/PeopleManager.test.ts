import { afterEach, describe, expect, it } from 'vitest';
import { LAST_EDIT, byTestId, cleanPage, click, fill, mountOnPage, recordIPC, settle } from '../lib/dom-test';
import { app } from '../lib/state.svelte';
import PeopleManager from './PeopleManager.svelte';

describe('PeopleManager', () => {
  afterEach(cleanPage);

  it("edits a person's names, and the edit can be undone", async () => {
    let kim = { id: 1, name: 'Kim Yoo Jung', native_name: '김유정', aliases: [] as string[] };
    const calls = recordIPC((command, a) => {
      switch (command) {
        case 'people':
          return [kim];
        case 'roles_of':
          return [];
        case 'history':
          return [LAST_EDIT];
        case 'update_person': {
          const before = { name: kim.name, native_name: kim.native_name, aliases: kim.aliases };
          kim = { id: a.person_id, ...a.person };
          return before;
        }
        default:
          return [];
      }
    });
    mountOnPage(PeopleManager, { onclose: () => {} });
    await settle();
    click('person-edit');
    await settle();
    expect(byTestId<HTMLInputElement>('person-name').value).toBe('Kim Yoo Jung');
    fill('person-aliases', 'Kim You-jung, kim you-jung; Yoo Jung Kim');
    await settle();
    click('person-save');
    await settle();
    const updates = () => calls.filter(([c]) => c === 'update_person').map(([, a]) => a);
    expect(updates()).toEqual([
      { person_id: 1, person: { name: 'Kim Yoo Jung', native_name: '김유정', aliases: ['Kim You-jung', 'Yoo Jung Kim'] } },
    ]);
    expect(document.querySelector('[data-testid="person-row"]')?.textContent).toMatch(/aka Kim You-jung, Yoo Jung Kim/);
    // Ctrl+Z asks the core to undo its latest edit; the window computes no inverse.
    expect(app.toasts.at(-1)).toMatchObject({ text: 'Changed the names of Kim Yoo Jung', edit: LAST_EDIT.id });
    await app.undo();
    expect(calls.at(-1)).toEqual(['undo', { edit_id: null }]);
    expect(updates()).toHaveLength(1);
  });

  it('says a person needs a name and changes nothing', async () => {
    const calls = recordIPC((command) => {
      if (command === 'people') return [{ id: 1, name: 'Kim Yoo Jung', native_name: null, aliases: [] }];
      return [];
    });
    mountOnPage(PeopleManager, { onclose: () => {} });
    await settle();
    click('person-edit');
    await settle();
    fill('person-name', '  ');
    await settle();
    click('person-save');
    await settle();
    expect(document.querySelector('[role="alert"]')?.textContent).toBe('Name: a person needs one');
    expect(calls.map(([c]) => c)).not.toContain('update_person');
  });
});
