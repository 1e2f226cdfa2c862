import { describe, expect, it } from 'vitest';
import { formatTimecode, parseTimecode } from './timecode';

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

describe('parseTimecode', () => {
  const rows: [string, number | null][] = [
    ['83.5', 83_500],
    ['1:23', 83_000],
    [' 1:23.5 ', 83_500],
    ['1:01:23.500', 3_683_500],
    ['0:00.25', 250],
    ['', null],
  ];
  it.each(rows)('%s is %s ms', (text, ms) => {
    expect(parseTimecode('From', text)).toBe(ms);
  });

  it('names the field and what was typed when it is not a time', () => {
    for (const bad of ['soon', '1:75', '-3', '1::2', '1:2:3:4', '1.5:00']) {
      expect(() => parseTimecode('To', bad)).toThrow(`To: "${bad}" is not a time`);
    }
  });

  it('reads back what it formats, to the tenth', () => {
    for (const ms of [0, 900, 83_500, 3_683_500]) expect(parseTimecode('At', formatTimecode(ms))).toBe(ms);
  });
});
