import { describe, expect, it, vi } from 'vitest';
import type { ClipCard } from './api';
import { PAGE_SIZE, PageCache, visibleRows } from './pages';

function card(id: number): ClipCard {
  return { id, title: `clip ${id}`, duration_ms: 1000, status: 'present', show: null, episode: null, cast: [], added_at: '' };
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

describe('visibleRows', () => {
  it('covers the viewport plus a margin, within the grid', () => {
    expect(visibleRows(0, 500, 100, 1000)).toEqual({ first: 0, last: 7 });
    expect(visibleRows(10_000, 500, 100, 1000)).toEqual({ first: 98, last: 107 });
    expect(visibleRows(99_900, 500, 100, 1000)).toEqual({ first: 997, last: 999 });
    expect(visibleRows(0, 500, 100, 0)).toEqual({ first: 0, last: -1 });
  });
});
