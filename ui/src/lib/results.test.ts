import { describe, expect, it } from 'vitest';
import { groupEstimate, groupsShown } from './results';

describe('groupsShown', () => {
  const heights = Array.from({ length: 200 }, () => 100);

  it('shows the groups in the view and a margin either side, and leaves space for the rest', () => {
    const shown = groupsShown(heights, 5000, 600, 200);
    expect([shown.first, shown.last]).toEqual([48, 57]);
    expect(shown.before).toBe(4800);
    expect(shown.after).toBe((200 - 58) * 100);
    // Every group is either shown or counted in the space around.
    expect(shown.before + (shown.last - shown.first + 1) * 100 + shown.after).toBe(20_000);
  });

  it('starts at the top and stops at the end', () => {
    expect(groupsShown(heights, 0, 600, 200)).toEqual({ first: 0, last: 7, before: 0, after: 19_200 });
    const end = groupsShown(heights, 19_400, 600, 200);
    expect([end.last, end.after]).toEqual([199, 0]);
  });

  it('counts groups of different heights', () => {
    const mixed = [300, 100, 500, 100, 100];
    expect(groupsShown(mixed, 450, 100, 0)).toEqual({ first: 2, last: 2, before: 400, after: 200 });
  });

  it('shows nothing of no results, and a margin of groups in a view not laid out yet', () => {
    expect(groupsShown([], 0, 0)).toEqual({ first: 0, last: -1, before: 0, after: 0 });
    expect(groupsShown(heights, 0, 0, 250).last).toBe(2);
  });
});

describe('groupEstimate', () => {
  it('is the card for a few hits and the hits for many', () => {
    expect(groupEstimate(1)).toBe(groupEstimate(3));
    expect(groupEstimate(20)).toBeGreaterThan(groupEstimate(3));
  });
});
