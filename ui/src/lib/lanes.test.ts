import { describe, expect, it } from 'vitest';
import { layLanes } from './lanes';

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
