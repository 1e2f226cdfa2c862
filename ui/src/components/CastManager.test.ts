import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { flushSync, mount, tick, unmount } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import CastManager from './CastManager.svelte';

async function settle() {
  for (let i = 0; i < 6; i++) {
    await tick();
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  flushSync();
}

function fill(testid: string, value: string) {
  const input = document.querySelector<HTMLInputElement>(`[data-testid="${testid}"]`)!;
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true }));
}

describe('CastManager', () => {
  let component: ReturnType<typeof mount> | null = null;
  afterEach(() => {
    if (component) unmount(component);
    component = null;
    clearMocks();
    document.body.innerHTML = '';
  });

  it('adds a person it does not know before giving them a role', async () => {
    const calls: [string, unknown][] = [];
    const people = new Set<string>();
    const roles: { person: string; character: string }[] = [];
    mockIPC((command, args) => {
      calls.push([command, args]);
      const a = args as Record<string, any>;
      switch (command) {
        case 'shows':
          return [{ id: 1, title: 'Lovers of the Red Sky', native_title: '홍천기', aliases: [], network: null, year: null }];
        case 'cast_of':
          return roles.map((r, i) => ({ id: i, person_id: i, person: r.person, show_id: 1, show: 'x', character: r.character, native_character: null }));
        case 'add_role':
          if (!people.has(a.person)) throw { kind: 'not_found', message: `no person "${a.person}"` };
          roles.push({ person: a.person, character: a.role.character });
          return { id: 1 };
        case 'add_person':
          people.add(a.person.name);
          return { id: 1 };
        default:
          return [];
      }
    });
    component = mount(CastManager, { target: document.body, props: { onclose: () => {} } });
    await settle();
    fill('cast-person', 'Kim Yoo Jung');
    fill('cast-native', '김유정');
    fill('cast-character', 'Hong Chun Gi');
    await settle();
    document.querySelector<HTMLButtonElement>('[data-testid="cast-add"]')!.click();
    await settle();
    const order = calls.map(([c]) => c).filter((c) => c.startsWith('add_'));
    expect(order).toEqual(['add_role', 'add_person', 'add_role']);
    expect(calls.find(([c]) => c === 'add_person')?.[1]).toEqual({
      person: { name: 'Kim Yoo Jung', native_name: '김유정', aliases: [] },
    });
    expect(document.querySelector('[data-testid="cast-row"]')?.textContent).toMatch(/Kim Yoo Jung\s*as\s*Hong Chun Gi/);
    expect(document.querySelector('[role="alert"]')).toBeNull();
  });
});
