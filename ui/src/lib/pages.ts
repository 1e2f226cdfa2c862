// The library grid's data: clip cards fetched a page at a time as rows come
// into view, kept until the library changes. Only pages near the viewport
// are ever requested, so 100k clips cost what one screen costs.

import type { ClipCard, ClipPage, ClipSort } from './api';

export const PAGE_SIZE = 120;

export type FetchPage = (args: { sort: ClipSort; offset: number; limit: number }) => Promise<ClipPage>;

export class PageCache {
  total = 0;
  private pages = new Map<number, ClipCard[]>();
  private loading = new Map<number, Promise<void>>();
  private generation = 0;

  constructor(
    private fetchPage: FetchPage,
    public sort: ClipSort,
    private onChange: () => void,
  ) {}

  /** The card at `index`, or undefined while its page loads. */
  get(index: number): ClipCard | undefined {
    return this.pages.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE];
  }

  /** Makes sure the pages holding `from..to` (card indexes) are loaded or loading. */
  ensure(from: number, to: number): Promise<void> {
    const first = Math.max(0, Math.floor(from / PAGE_SIZE));
    const last = Math.floor(Math.max(from, to) / PAGE_SIZE);
    const waits: Promise<void>[] = [];
    for (let page = first; page <= last; page++) waits.push(this.load(page));
    return Promise.all(waits).then(() => undefined);
  }

  /** Forgets every page (the library or the order changed); the total stays until reloaded. */
  reset(sort: ClipSort = this.sort) {
    this.sort = sort;
    this.generation++;
    this.pages.clear();
    this.loading.clear();
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
        this.pages.set(page, result.clips);
        this.onChange();
      })
      .finally(() => {
        if (generation === this.generation) this.loading.delete(page);
      });
    this.loading.set(page, request);
    return request;
  }
}

/** Rows of a virtual grid that are on screen, with a margin of rows either side. */
export function visibleRows(scrollTop: number, height: number, rowHeight: number, rows: number, margin = 2) {
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - margin);
  const last = Math.min(rows - 1, Math.ceil((scrollTop + height) / rowHeight) + margin);
  return { first, last: Math.max(first - 1, last) };
}
