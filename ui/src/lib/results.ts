// Which search result groups the page holds: those near the view. A group
// is a clip's card beside the hits it matched, so groups differ in height;
// a group not measured yet is estimated from its number of hits.

/** The space after each group (`.result`'s bottom margin in Results.svelte). */
export const GROUP_GAP = 8;
/** A group's card, its padding, and one hit's row with the gap after it. */
const CARD = 206;
const PADDING = 24;
const HIT = 35;

/** The height a group of `hits` hits is expected to take, its gap included. */
export function groupEstimate(hits: number): number {
  return Math.max(CARD, hits * HIT) + PADDING + GROUP_GAP;
}

/**
 * The groups to show for a view `height` tall whose top is `top` from the
 * list's start, `margin` more either side: the first and last index, and the
 * space the groups before and after take.
 */
export function groupsShown(heights: number[], top: number, height: number, margin = 800) {
  let first = 0;
  let y = 0;
  while (first < heights.length && y + heights[first] <= top - margin) {
    y += heights[first];
    first++;
  }
  const before = y;
  let last = first - 1;
  while (last + 1 < heights.length && y < top + height + margin) {
    last++;
    y += heights[last];
  }
  let after = 0;
  for (let i = last + 1; i < heights.length; i++) after += heights[i];
  return { first, last, before, after };
}
