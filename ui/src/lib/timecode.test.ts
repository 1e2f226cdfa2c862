import { describe, expect, it } from 'vitest';
import { formatTimecode } from './timecode';

describe('formatTimecode', () => {
  const rows: [number, string][] = [
    [0, '0:00'],
    [999, '0:00.9'],
    [83_500, '1:23.5'],
    [600_000, '10:00'],
    [3_683_500, '1:01:23.5'],
    [-1, '–:––'],
    [Number.NaN, '–:––'],
  ];
  it.each(rows)('%d ms reads %s', (ms, expected) => {
    expect(formatTimecode(ms)).toBe(expected);
  });
});
