// Helpers for component tests that mount into jsdom (not shipped: only
// `*.test.ts` files import this).

import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { type Component, flushSync, mount, tick, unmount } from 'svelte';

// jsdom lays nothing out and has no ResizeObserver: components that measure
// themselves (the grid, the results) observe nothing.
globalThis.ResizeObserver ??= class {
  observe() {}
  unobserve() {}
  disconnect() {}
};

let mounted: ReturnType<typeof mount> | null = null;

/** Mounts a component on the page, taking down the one a test mounted before. */
export function mountOnPage<Props extends Record<string, any>>(component: Component<Props>, props: Props) {
  if (mounted) unmount(mounted);
  mounted = mount(component, { target: document.body, props });
}

/** Takes the mounted component down, forgets mocked IPC and empties the page (in `afterEach`). */
export function cleanPage() {
  if (mounted) unmount(mounted);
  mounted = null;
  clearMocks();
  document.body.innerHTML = '';
}

/** Answers IPC with `reply` and records each call as `[command, args]`. */
export function recordIPC(reply: (command: string, args: Record<string, any>) => unknown) {
  const calls: [string, Record<string, any>][] = [];
  mockIPC((command, args) => {
    const a = (args ?? {}) as Record<string, any>;
    calls.push([command, a]);
    const answer = reply(command, a);
    return answer == null && command in HISTORY ? HISTORY[command](a) : answer;
  });
  return calls;
}

/** The edit the core recorded last, as the mocked history answers it. */
export const LAST_EDIT = { id: 7, at: '2026-12-01T10:00:00Z', description: 'the last edit', undone: false, rows: 1 };

/** Default answers of the history commands, unless a test's `reply` gives its own. */
const HISTORY: Record<string, (a: Record<string, any>) => unknown> = {
  history: () => [LAST_EDIT],
  undo: (a) => ({ ...LAST_EDIT, id: a.edit_id ?? LAST_EDIT.id, undone: true }),
  redo: () => LAST_EDIT,
};

/** Lets effects, mocked IPC replies and the updates they cause run out. */
export async function settle() {
  for (let i = 0; i < 6; i++) {
    await tick();
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  flushSync();
}

/** The element with this `data-testid` (the test fails loudly without it). */
export function byTestId<T extends HTMLElement = HTMLElement>(testid: string): T {
  const element = document.querySelector<T>(`[data-testid="${testid}"]`);
  if (!element) throw new Error(`no [data-testid="${testid}"] on the page`);
  return element;
}

/** Types into a field as a person would (the input event included). */
export function fill(testid: string, value: string) {
  const input = byTestId<HTMLInputElement>(testid);
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true }));
}

export function click(testid: string) {
  byTestId<HTMLButtonElement>(testid).click();
}
