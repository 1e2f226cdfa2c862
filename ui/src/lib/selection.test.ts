import { describe, expect, it } from 'vitest';
import { pickClip } from './selection';

const ids = [10, 11, 12, 13, 14];

describe('pickClip', () => {
  it('toggles one clip with Ctrl', () => {
    expect(pickClip([], ids, 1, null, { ctrl: true, shift: false })).toEqual([11]);
    expect(pickClip([11, 13], ids, 1, 1, { ctrl: true, shift: false })).toEqual([13]);
  });
  it('adds the range from the anchor with Shift, either way', () => {
    expect(pickClip([11], ids, 3, 1, { ctrl: false, shift: true })).toEqual([11, 12, 13]);
    expect(pickClip([13], ids, 0, 3, { ctrl: false, shift: true })).toEqual([13, 10, 11, 12]);
  });
});
