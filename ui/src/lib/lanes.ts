// Markers on the timeline: overlapping ranges go on separate lanes so each
// stays readable; a point marker takes a sliver so it still shows.

export type Span = { id: number; start_ms: number; end_ms: number | null };
export type Placed = { id: number; lane: number; left: number; width: number };

/** Lays spans out in lanes (first lane that is free), as fractions of `duration`. */
export function layLanes(spans: Span[], duration: number, minWidth = 0.006): { placed: Placed[]; lanes: number } {
  if (!(duration > 0)) return { placed: [], lanes: 0 };
  const sorted = [...spans].sort((a, b) => a.start_ms - b.start_ms || a.id - b.id);
  const laneEnds: number[] = [];
  const placed: Placed[] = [];
  for (const span of sorted) {
    const left = Math.min(Math.max(span.start_ms / duration, 0), 1);
    const right = Math.min(Math.max((span.end_ms ?? span.start_ms) / duration, left), 1);
    const width = Math.max(right - left, minWidth);
    let lane = laneEnds.findIndex((end) => end <= left);
    if (lane === -1) {
      lane = laneEnds.length;
      laneEnds.push(0);
    }
    laneEnds[lane] = left + width;
    placed.push({ id: span.id, lane, left, width });
  }
  return { placed, lanes: laneEnds.length };
}

/** Markers taken from the download's chapters carry this tag until the fan keeps them. */
export const CHAPTER_TAG = 'chapter';

export const isChapter = (marker: { tags: string[] }) => marker.tags.includes(CHAPTER_TAG);

/** The shortest range an edge drag leaves, in ms. */
export const MIN_RANGE_MS = 100;

/**
 * Where a span's edges end up when one is dragged to `at_ms`: kept inside
 * the clip, the start before the end. A point marker's end is its start.
 */
export function moveEdge(span: Span, edge: 'start' | 'end', at_ms: number, duration_ms: number): { start_ms: number; end_ms: number | null } {
  const at = Math.round(Math.min(Math.max(at_ms, 0), duration_ms));
  const end = span.end_ms ?? span.start_ms;
  if (edge === 'start') {
    const limit = span.end_ms === null ? duration_ms : end - MIN_RANGE_MS;
    return { start_ms: Math.max(Math.min(at, limit), 0), end_ms: span.end_ms };
  }
  return { start_ms: span.start_ms, end_ms: Math.min(Math.max(at, span.start_ms + MIN_RANGE_MS), duration_ms) };
}
