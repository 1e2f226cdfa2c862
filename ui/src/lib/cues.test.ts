import { describe, expect, it } from 'vitest';
import { cueAt, preferredLanguage } from './cues';

const cues = [
  { start_ms: 1000, end_ms: 2000 },
  { start_ms: 2500, end_ms: 4000 },
  { start_ms: 3000, end_ms: 5000 },
];

describe('cueAt', () => {
  const rows: [number, number][] = [
    [0, -1],
    [1000, 0],
    [1999, 0],
    [2000, -1],
    [2600, 1],
    [3500, 2],
    [4500, 2],
    [5000, -1],
  ];
  it.each(rows)('at %d ms shows cue %d', (ms, expected) => {
    expect(cueAt(cues, ms)).toBe(expected);
  });
  it('finds nothing in no cues', () => {
    expect(cueAt([], 10)).toBe(-1);
  });
});

describe('preferredLanguage', () => {
  it('shows the fan their own language first, however the file names it', () => {
    expect(preferredLanguage(['en', 'ko'], 'ko-KR')).toBe('ko');
    expect(preferredLanguage(['eng', 'kor'], 'ko')).toBe('kor');
    expect(preferredLanguage(['ko', 'en-US'], 'en_GB')).toBe('en-US');
  });

  it('else the first the clip has', () => {
    expect(preferredLanguage(['ja', 'en'], 'ko-KR')).toBe('ja');
    expect(preferredLanguage([], 'ko')).toBeNull();
  });
});
