import { describe, expect, it, vi } from 'vitest';
import type { ClipCard } from './api';
import { KEPT_AROUND, PAGE_SIZE, PageCache, cellsOf, visibleRows } from './pages';

function card(id: number): ClipCard {
  return { id, title: `clip ${id}`, duration_ms: 1000, status: 'present', show: null, episode: null, cast: [], added_at: '', poster_ms: null };
}

function fakeLibrary(total: number) {
  return vi.fn(async ({ offset, limit }: { offset: number; limit: number }) => ({
    total,
    offset,
    clips: Array.from({ length: Math.max(0, Math.min(limit, total - offset)) }, (_, i) => card(offset + i)),
  }));
}

describe('PageCache', () => {
  it('loads only the pages a range needs, once', async () => {
    const fetch = fakeLibrary(100_000);
    const cache = new PageCache(fetch, 'added', () => {});
    await cache.ensure(PAGE_SIZE * 10 + 5, PAGE_SIZE * 11 + 5);
    await cache.ensure(PAGE_SIZE * 10, PAGE_SIZE * 10 + 1);
    expect(fetch.mock.calls.map((c) => c[0].offset)).toEqual([PAGE_SIZE * 10, PAGE_SIZE * 11]);
    expect(cache.total).toBe(100_000);
    expect(cache.get(PAGE_SIZE * 10 + 5)?.id).toBe(PAGE_SIZE * 10 + 5);
    expect(cache.get(0)).toBeUndefined();
  });

  it('forgets pages far from the ones asked for last, and keeps those near', async () => {
    const fetch = fakeLibrary(100_000);
    const cache = new PageCache(fetch, 'added', () => {});
    for (let page = 0; page < 50; page++) await cache.ensure(page * PAGE_SIZE, page * PAGE_SIZE + 10);
    const kept = Array.from({ length: 50 }, (_, page) => page).filter((page) => cache.get(page * PAGE_SIZE) !== undefined);
    expect(kept).toEqual(Array.from({ length: KEPT_AROUND + 1 }, (_, i) => 49 - KEPT_AROUND + i));
    // Back a little: nothing asked again; back far: asked again.
    const asked = fetch.mock.calls.length;
    await cache.ensure(48 * PAGE_SIZE, 48 * PAGE_SIZE);
    expect(fetch.mock.calls.length).toBe(asked);
    await cache.ensure(0, 0);
    expect(fetch.mock.calls.length).toBe(asked + 1);
    expect(cache.get(49 * PAGE_SIZE)).toBeUndefined();
  });

  it('does not keep a page flung past while it was on its way', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const fetch = vi.fn(async ({ offset }: { offset: number }) => {
      if (offset === 0) await gate;
      return { total: 100_000, offset, clips: [card(offset)] };
    });
    const cache = new PageCache(fetch, 'added', () => {});
    const first = cache.ensure(0, 0);
    await cache.ensure(500 * PAGE_SIZE, 500 * PAGE_SIZE);
    release();
    await first;
    expect(cache.get(0)).toBeUndefined();
    expect(cache.get(500 * PAGE_SIZE)?.id).toBe(500 * PAGE_SIZE);
    expect(cache.total).toBe(100_000);
  });

  it('drops a page that arrives after a reset', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const fetch = vi.fn(async ({ offset }: { offset: number; sort: string }) => {
      await gate;
      return { total: 1, offset, clips: [card(1)] };
    });
    const cache = new PageCache(fetch, 'added', () => {});
    const loading = cache.ensure(0, 0);
    cache.reset('title');
    release();
    await loading;
    expect(cache.get(0)).toBeUndefined();
    await cache.ensure(0, 0);
    expect(fetch.mock.calls.at(-1)?.[0].sort).toBe('title');
    expect(cache.get(0)?.id).toBe(1);
  });
});

describe('a library change', () => {
  it('keeps showing the old cards until the fresh page lands, then the fresh ones', async () => {
    let clips = [card(1), card(2), card(3)];
    let release: () => void = () => {};
    let gate: Promise<void> = Promise.resolve();
    const fetch = vi.fn(async ({ offset }: { offset: number }) => {
      await gate;
      return { total: clips.length, offset, clips: [...clips] };
    });
    const cache = new PageCache(fetch, 'added', () => {});
    await cache.ensure(0, 2);
    // A download lands first in the order; its page is on its way.
    clips = [card(9), ...clips];
    gate = new Promise<void>((resolve) => (release = resolve));
    cache.refresh();
    const loading = cache.ensure(0, 3);
    expect([0, 1, 2].map((i) => cache.get(i)?.id)).toEqual([1, 2, 3]);
    expect(cache.total).toBe(3);
    release();
    await loading;
    expect([0, 1, 2, 3].map((i) => cache.get(i)?.id)).toEqual([9, 1, 2, 3]);
    expect(cache.total).toBe(4);
    expect(cache.indexOf(2)).toBe(2);
    expect(cache.indexOf(77)).toBe(-1);
  });

  it('a new order forgets the old cards', async () => {
    const cache = new PageCache(fakeLibrary(5), 'added', () => {});
    await cache.ensure(0, 4);
    cache.reset('title');
    expect(cache.get(0)).toBeUndefined();
  });
});

describe('cellsOf', () => {
  it('keys cards by clip so a moved clip keeps its element, places while loading', () => {
    const shown = new Map([[0, card(9)], [1, card(1)], [2, card(1)]]);
    const cells = cellsOf({ get: (i: number) => shown.get(i) }, 0, 5, 4);
    expect(cells.map((c) => c.key)).toEqual(['c9', 'c1', 'i2', 'i3']);
    expect(cells[3].clip).toBeUndefined();
  });
});

describe('visibleRows', () => {
  it('covers the viewport plus a margin, within the grid', () => {
    expect(visibleRows(0, 500, 100, 1000)).toEqual({ first: 0, last: 7 });
    expect(visibleRows(10_000, 500, 100, 1000)).toEqual({ first: 98, last: 107 });
    expect(visibleRows(99_900, 500, 100, 1000)).toEqual({ first: 997, last: 999 });
    expect(visibleRows(0, 500, 100, 0)).toEqual({ first: 0, last: -1 });
  });
});
