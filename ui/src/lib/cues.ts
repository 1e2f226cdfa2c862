// Which subtitle line is on screen: a binary search over cues sorted by start.

export type Timed = { start_ms: number; end_ms: number };

/** The index of the cue showing at `ms`, or -1. Among overlapping cues, the latest to start. */
export function cueAt(cues: Timed[], ms: number): number {
  let low = 0;
  let high = cues.length - 1;
  let last = -1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (cues[mid].start_ms <= ms) {
      last = mid;
      low = mid + 1;
    } else {
      high = mid - 1;
    }
  }
  return last >= 0 && ms < cues[last].end_ms ? last : -1;
}
