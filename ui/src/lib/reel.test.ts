import { describe, expect, it } from 'vitest';
import type { SearchResults } from './api';
import { CONTEXT_MS, merged, momentsOf, shuffled, step } from './reel';

const card = (id: number, duration_ms: number | null = 60_000) => ({
  id,
  title: `clip ${id}`,
  duration_ms,
  status: 'present' as const,
  show: null,
  episode: null,
  cast: [],
  added_at: '',
  poster_ms: null,
});

const results: SearchResults = {
  clips: [
    {
      clip: card(2, 20_000),
      hits: [
        { kind: 'cue', start_ms: 18_000, end_ms: 19_000, snippet: '**괜찮아요**', score: 1, machine: false },
        { kind: 'marker', start_ms: 1000, end_ms: 4000, snippet: 'Horse ride', score: 2, machine: false },
        { kind: 'cue', start_ms: 2000, end_ms: 3000, snippet: 'on a horse', score: 3, machine: false },
        { kind: 'clip', start_ms: null, end_ms: null, snippet: 'clip 2', score: 4, machine: false },
      ],
    },
    { clip: card(1), hits: [{ kind: 'marker', start_ms: 30_000, end_ms: null, snippet: 'A point', score: 1, machine: false }] },
    { clip: card(3), hits: [{ kind: 'clip', start_ms: null, end_ms: null, snippet: 'only a title', score: 1, machine: false }] },
  ],
  more: false,
  elapsed_ms: 1,
};

describe('momentsOf', () => {
  it('plays markers in to out, lines and points with context, merged per clip, clips in their rank', () => {
    const moments = momentsOf(results);
    expect(moments.map((m) => [m.clipId, m.startMs, m.endMs])).toEqual([
      // The marker 1–4 s and the line at 2 s (with context: 0–6 s) are one moment.
      [2, 0, 6000],
      // The line at 18 s, with context cut at the clip's end (20 s).
      [2, 15_000, 20_000],
      // A point marker plays from the context before it to five seconds after.
      [1, 27_000, 35_000],
    ]);
    expect(moments[0].label).toBe('on a horse · Horse ride');
    expect(moments[1].label).toBe('괜찮아요');
  });

  it('takes the context it is given', () => {
    const moments = momentsOf(results, 0);
    expect(moments.map((m) => [m.startMs, m.endMs])).toEqual([
      [1000, 4000],
      [18_000, 19_000],
      [30_000, 35_000],
    ]);
    expect(CONTEXT_MS).toBe(3000);
  });
});

describe('merged', () => {
  it('joins touching moments and keeps separate ones apart', () => {
    const m = (startMs: number, endMs: number) => ({ clipId: 1, clipTitle: '', startMs, endMs, label: `${startMs}` });
    expect(merged([m(5, 8), m(0, 5), m(10, 12)]).map((x) => [x.startMs, x.endMs])).toEqual([
      [0, 8],
      [10, 12],
    ]);
  });
});

describe('shuffled and step', () => {
  it('deals the same order for the same seed, every item once', () => {
    const items = Array.from({ length: 20 }, (_, i) => i);
    expect(shuffled(items, 7)).toEqual(shuffled(items, 7));
    expect(shuffled(items, 7)).not.toEqual(items);
    expect([...shuffled(items, 7)].sort((a, b) => a - b)).toEqual(items);
  });

  it('stops at the ends unless looping', () => {
    expect(step(0, 1, 3, false)).toBe(1);
    expect(step(2, 1, 3, false)).toBeNull();
    expect(step(2, 1, 3, true)).toBe(0);
    expect(step(0, -1, 3, true)).toBe(2);
    expect(step(0, -1, 3, false)).toBeNull();
  });
});
