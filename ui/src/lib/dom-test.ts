// Helpers for component tests that mount into jsdom (not shipped: only
// `*.test.ts` files import this).

import { flushSync, tick } from 'svelte';

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
