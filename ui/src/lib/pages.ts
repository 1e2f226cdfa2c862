// The library grid's data: clip cards fetched a page at a time as rows come
// into view. Only pages near the viewport are ever requested, so 100k clips
// cost what one screen costs. When the library changes, the pages shown stay
// until their fresh copies arrive (`refresh`), so the grid never blanks; a
// new order forgets them (`reset`).

import type { ClipCard, ClipPage, ClipSort } from './api';

export const PAGE_SIZE = 120;

/**
 * Pages kept either side of the ones asked for last: scrolling back a little
 * finds its cards at once, and a fling through 100k clips leaves only these
 * behind, not every page it passed (the web process's memory stays what one
 * screen costs).
 */
export const KEPT_AROUND = 2;

export type FetchPage = (args: { sort: ClipSort; offset: number; limit: number }) => Promise<ClipPage>;

export class PageCache {
  total = 0;
  private pages = new Map<number, ClipCard[]>();
  /** Pages from before the last refresh, shown until their fresh copies land. */
  private stale = new Map<number, ClipCard[]>();
  private loading = new Map<number, Promise<void>>();
  private generation = 0;
  /** The pages asked for last. */
  private near = { first: 0, last: 0 };

  constructor(
    private fetchPage: FetchPage,
    public sort: ClipSort,
    private onChange: () => void,
  ) {}

  /** The card at `index` (maybe from before a refresh), or undefined while its page loads. */
  get(index: number): ClipCard | undefined {
    const page = Math.floor(index / PAGE_SIZE);
    return (this.pages.get(page) ?? this.stale.get(page))?.[index % PAGE_SIZE];
  }

  /** Where the clip `id` is among the loaded pages (fresh ones first), or -1. */
  indexOf(id: number): number {
    for (const pages of [this.pages, this.stale]) {
      for (const [page, cards] of pages) {
        const at = cards.findIndex((card) => card.id === id);
        if (at >= 0) return page * PAGE_SIZE + at;
      }
    }
    return -1;
  }

  /**
   * Makes sure the pages holding `from..to` (card indexes) are loaded or
   * loading, and forgets pages more than `KEPT_AROUND` away from them.
   */
  ensure(from: number, to: number): Promise<void> {
    const first = Math.max(0, Math.floor(from / PAGE_SIZE));
    const last = Math.floor(Math.max(from, to) / PAGE_SIZE);
    this.near = { first, last };
    for (const pages of [this.pages, this.stale]) {
      for (const page of pages.keys()) if (this.far(page)) pages.delete(page);
    }
    const waits: Promise<void>[] = [];
    for (let page = first; page <= last; page++) waits.push(this.load(page));
    return Promise.all(waits).then(() => undefined);
  }

  /** Forgets every page (the order changed); the total stays until reloaded. */
  reset(sort: ClipSort = this.sort) {
    this.sort = sort;
    this.generation++;
    this.pages.clear();
    this.stale.clear();
    this.loading.clear();
  }

  /**
   * The library changed: every page is fetched again when asked for, and
   * until then the old copy is what `get` gives — cards keep their place on
   * screen instead of blanking.
   */
  refresh() {
    this.generation++;
    for (const [page, cards] of this.pages) this.stale.set(page, cards);
    this.pages.clear();
    this.loading.clear();
  }

  private far(page: number): boolean {
    return page < this.near.first - KEPT_AROUND || page > this.near.last + KEPT_AROUND;
  }

  private load(page: number): Promise<void> {
    if (this.pages.has(page)) return Promise.resolve();
    const pending = this.loading.get(page);
    if (pending) return pending;
    const generation = this.generation;
    const request = this.fetchPage({ sort: this.sort, offset: page * PAGE_SIZE, limit: PAGE_SIZE })
      .then((result) => {
        // A reset while this page was on its way makes it stale.
        if (generation !== this.generation) return;
        this.total = result.total;
        // Flung past while on its way: not kept.
        if (this.far(page)) return;
        this.pages.set(page, result.clips);
        this.stale.delete(page);
        this.onChange();
      })
      .finally(() => {
        if (generation === this.generation) this.loading.delete(page);
      });
    this.loading.set(page, request);
    return request;
  }
}

/** A card on screen: its place in the order, the card (undefined while it loads), and a key that follows the clip. */
export type Cell = { index: number; clip: ClipCard | undefined; key: string };

/**
 * The cells of cards `from..=to` (clamped to `total`), keyed by clip id so a
 * clip that moves (a new download lands before it) keeps its element and its
 * loaded poster. A clip seen twice (an old page beside a fresh one) is keyed
 * by place the second time.
 */
export function cellsOf(cache: Pick<PageCache, 'get'>, from: number, to: number, total: number): Cell[] {
  const cells: Cell[] = [];
  const seen = new Set<number>();
  for (let index = Math.max(0, from); index <= Math.min(to, total - 1); index++) {
    const clip = cache.get(index);
    const key = clip && !seen.has(clip.id) ? `c${clip.id}` : `i${index}`;
    if (clip) seen.add(clip.id);
    cells.push({ index, clip, key });
  }
  return cells;
}

/** Rows of a virtual grid that are on screen, with a margin of rows either side. */
export function visibleRows(scrollTop: number, height: number, rowHeight: number, rows: number, margin = 2) {
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - margin);
  const last = Math.min(rows - 1, Math.ceil((scrollTop + height) / rowHeight) + margin);
  return { first, last: Math.max(first - 1, last) };
}
