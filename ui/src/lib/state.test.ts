import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { afterEach, describe, expect, it } from 'vitest';
import { app } from './state.svelte';

describe('refreshFacets', () => {
  afterEach(() => clearMocks());

  it('folds requests made while a reload runs into one more reload', async () => {
    let calls = 0;
    const releases: (() => void)[] = [];
    mockIPC(async (command) => {
      if (command !== 'facets') return null;
      calls++;
      await new Promise<void>((resolve) => releases.push(resolve));
      return { total: calls, untagged: 0, missing: 0, shows: [], people: [], tags: [], saved: [], folders: [] };
    });
    const first = app.refreshFacets();
    void app.refreshFacets();
    void app.refreshFacets();
    const last = app.refreshFacets();
    await new Promise((resolve) => setTimeout(resolve, 0));
    releases.shift()?.();
    await new Promise((resolve) => setTimeout(resolve, 0));
    releases.shift()?.();
    await Promise.all([first, last]);
    expect(calls).toBe(2);
    expect(app.facets?.total).toBe(2);
  });
});
