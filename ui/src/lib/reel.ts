// A reel: moments (a clip and a range in it) played one after another.
// Built from a search's hits — a marker plays from its in-point to its
// out-point, a subtitle line with some seconds of context around it — with
// overlapping moments of one clip merged; played in order or shuffled, once
// or in a loop.

import type { SearchResults } from './api';
import { snippetPieces } from './snippet';

export type Moment = {
  clipId: number;
  clipTitle: string;
  startMs: number;
  endMs: number;
  /** What the moment is: the marker's title or the subtitle line. */
  label: string;
};

/** Seconds of context around a subtitle line or a point marker, unless set. */
export const CONTEXT_MS = 3000;
/** How long a point (a marker with no end) plays. */
const POINT_MS = 5000;

/**
 * The moments of a search's results, in the results' order (clips as ranked,
 * each clip's moments by time). Clip-level hits (a title match) have no
 * moment; a clip only found so gives none.
 */
export function momentsOf(results: SearchResults, context = CONTEXT_MS): Moment[] {
  const moments: Moment[] = [];
  for (const { clip, hits } of results.clips) {
    const own: Moment[] = [];
    for (const hit of hits) {
      if (hit.start_ms === null || (hit.kind !== 'marker' && hit.kind !== 'cue')) continue;
      const label = snippetPieces(hit.snippet).map((piece) => piece.text).join('');
      const withEnd = hit.kind === 'marker' && hit.end_ms !== null && hit.end_ms > hit.start_ms;
      const startMs = Math.max(0, withEnd ? hit.start_ms : hit.start_ms - context);
      let endMs = withEnd ? hit.end_ms! : (hit.end_ms ?? hit.start_ms + POINT_MS) + (hit.kind === 'cue' ? context : 0);
      if (clip.duration_ms !== null) endMs = Math.min(endMs, clip.duration_ms);
      if (endMs > startMs) own.push({ clipId: clip.id, clipTitle: clip.title, startMs, endMs, label });
    }
    moments.push(...merged(own));
  }
  return moments;
}

/** One clip's moments by time, overlapping or touching ones made one. */
export function merged(moments: Moment[]): Moment[] {
  const sorted = [...moments].sort((a, b) => a.startMs - b.startMs);
  const out: Moment[] = [];
  for (const moment of sorted) {
    const last = out.at(-1);
    if (last && moment.startMs <= last.endMs) {
      last.endMs = Math.max(last.endMs, moment.endMs);
      if (!last.label.includes(moment.label)) last.label = `${last.label} · ${moment.label}`;
    } else {
      out.push({ ...moment });
    }
  }
  return out;
}

/** The moments in a shuffled order, the same for the same seed. */
export function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let state = seed >>> 0 || 1;
  const next = () => {
    // xorshift32: enough to deal a reel, and repeatable.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** The moment after (step 1) or before (step -1) `index`; null past either end unless looping. */
export function step(index: number, by: 1 | -1, count: number, loop: boolean): number | null {
  const next = index + by;
  if (next >= 0 && next < count) return next;
  if (!loop || count === 0) return null;
  return (next + count) % count;
}
