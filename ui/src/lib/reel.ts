// A reel: moments (a clip and a range in it) played one after another. The
// core makes them (`commands.reel`: a marker plays in to out, a subtitle line
// or a point with context, overlapping moments of one clip merged); here they
// are dealt (in order or shuffled), stepped through once or in a loop, and a
// fixed reel's order is changed by hand.

import type { Moment } from './api';

export type { Moment };

/** A moment's identity across reloads of the same reel. */
export function momentKey(moment: Moment): string {
  return `${moment.clip_id} ${moment.start_ms} ${moment.marker_id ?? ''} ${moment.cue_id ?? ''}`;
}

/**
 * Where `current` is in a reloaded reel: the same moment, else the one that
 * now stands at its old place (it was deleted), else the last one.
 */
export function placeOf(moments: Moment[], current: Moment | undefined, index: number): number {
  if (moments.length === 0) return 0;
  const key = current ? momentKey(current) : null;
  const same = key === null ? -1 : moments.findIndex((m) => momentKey(m) === key);
  if (same >= 0) return same;
  return Math.min(index, moments.length - 1);
}

/** The markers of a reel in a new order: the one at `from` moved by `by` places (clamped). */
export function moved<T>(items: T[], from: number, by: number): T[] {
  const to = Math.max(0, Math.min(items.length - 1, from + by));
  if (to === from || from < 0 || from >= items.length) return items;
  const out = [...items];
  const [item] = out.splice(from, 1);
  out.splice(to, 0, item);
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
