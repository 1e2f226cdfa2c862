import { describe, expect, it } from 'vitest';
import type { Moment } from './api';
import { momentKey, moved, placeOf, shuffled, step } from './reel';

const moment = (clip_id: number, start_ms: number, marker_id: number | null = null): Moment => ({
  clip_id,
  clip_title: `clip ${clip_id}`,
  marker_id,
  cue_id: null,
  start_ms,
  end_ms: start_ms + 3000,
  label: `moment ${clip_id}/${start_ms}`,
});

describe('placeOf', () => {
  const reel = [moment(1, 0, 10), moment(1, 9000, 11), moment(2, 500, 12)];
  it('finds the same moment after a reload, wherever it moved', () => {
    const reloaded = [reel[2], reel[0], reel[1]];
    expect(placeOf(reloaded, reel[1], 1)).toBe(2);
  });
  it('stays at the old place when the moment was deleted, and within the reel', () => {
    expect(placeOf([reel[0], reel[2]], reel[1], 1)).toBe(1);
    expect(placeOf([reel[0]], reel[2], 2)).toBe(0);
    expect(placeOf([], reel[0], 0)).toBe(0);
  });
  it('tells moments apart by clip, start, marker and line', () => {
    expect(momentKey(moment(1, 0, 10))).not.toBe(momentKey(moment(1, 0, 11)));
  });
});

describe('moved', () => {
  it('moves one item by some places, clamped to the ends', () => {
    expect(moved([1, 2, 3, 4], 1, 1)).toEqual([1, 3, 2, 4]);
    expect(moved([1, 2, 3, 4], 1, -5)).toEqual([2, 1, 3, 4]);
    expect(moved([1, 2, 3, 4], 3, 1)).toEqual([1, 2, 3, 4]);
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
