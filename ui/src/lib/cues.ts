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

/**
 * The subtitle language to show first: the fan's own (`wanted`, a BCP 47 tag
 * like `ko-KR`) when the clip has it — as `ko`, `kor` or `ko-KR` —, else the
 * first the clip has.
 */
export function preferredLanguage(languages: string[], wanted: string): string | null {
  const mine = wanted.toLowerCase().split(/[-_]/)[0];
  const three: Record<string, string> = { kor: 'ko', eng: 'en', jpn: 'ja', zho: 'zh', chi: 'zh' };
  const base = (l: string) => {
    const head = l.toLowerCase().split(/[-_]/)[0];
    return three[head] ?? head;
  };
  return languages.find((l) => base(l) === mine) ?? languages[0] ?? null;
}
