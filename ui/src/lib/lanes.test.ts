import { describe, expect, it } from 'vitest';
import { isChapter, layLanes, moveEdge } from './lanes';

describe('layLanes', () => {
  it('stacks overlapping markers and reuses a lane once it is free', () => {
    const { placed, lanes } = layLanes(
      [
        { id: 1, start_ms: 0, end_ms: 4000 },
        { id: 2, start_ms: 2000, end_ms: 6000 },
        { id: 3, start_ms: 5000, end_ms: 8000 },
        { id: 4, start_ms: 7000, end_ms: null },
      ],
      10_000,
    );
    expect(lanes).toBe(2);
    expect(placed.map((p) => [p.id, p.lane])).toEqual([
      [1, 0],
      [2, 1],
      [3, 0],
      [4, 1],
    ]);
    expect(placed[0]).toMatchObject({ left: 0, width: 0.4 });
    expect(placed[3].width).toBeGreaterThan(0);
  });
  it('clamps markers past the end and ignores an unknown duration', () => {
    expect(layLanes([{ id: 1, start_ms: 9000, end_ms: 20_000 }], 10_000).placed[0].width).toBeCloseTo(0.1);
    expect(layLanes([{ id: 1, start_ms: 0, end_ms: 1 }], 0).lanes).toBe(0);
  });
});

describe('moveEdge', () => {
  const range = { id: 1, start_ms: 2000, end_ms: 5000 };

  it('moves one edge and keeps the other', () => {
    expect(moveEdge(range, 'start', 1234.4, 10_000)).toEqual({ start_ms: 1234, end_ms: 5000 });
    expect(moveEdge(range, 'end', 7000, 10_000)).toEqual({ start_ms: 2000, end_ms: 7000 });
  });

  it('never lets the start pass the end, or either leave the clip', () => {
    expect(moveEdge(range, 'start', 9000, 10_000)).toEqual({ start_ms: 4900, end_ms: 5000 });
    expect(moveEdge(range, 'end', 0, 10_000)).toEqual({ start_ms: 2000, end_ms: 2100 });
    expect(moveEdge(range, 'start', -500, 10_000)).toEqual({ start_ms: 0, end_ms: 5000 });
    expect(moveEdge(range, 'end', 12_000, 10_000)).toEqual({ start_ms: 2000, end_ms: 10_000 });
  });

  it('moves a point marker, or draws it out into a range', () => {
    const point = { id: 2, start_ms: 3000, end_ms: null };
    expect(moveEdge(point, 'start', 8000, 10_000)).toEqual({ start_ms: 8000, end_ms: null });
    expect(moveEdge(point, 'end', 6000, 10_000)).toEqual({ start_ms: 3000, end_ms: 6000 });
  });
});

describe('isChapter', () => {
  it('knows the chapters a download came with', () => {
    expect(isChapter({ tags: ['chapter'] })).toBe(true);
    expect(isChapter({ tags: ['type:action'] })).toBe(false);
  });
});
