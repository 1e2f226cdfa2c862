// The sidebar's long lists (2,000 people, hundreds of shows or tags) stay
// short: the most used few are shown, and a filter box finds any of the rest.
// So the window holds a few dozen rows whatever the library's size.

/** How many rows a list shows before it needs its filter. */
export const SHORT = 12;
/** How many matches of a filter are shown at most. */
export const MATCHES = 50;

const fold = (text: string) => text.normalize('NFKC').toLocaleLowerCase();

/**
 * The rows to show of `items` for the filter `query`: without one, the
 * `SHORT` with the most clips (ties keep their order); with one, those whose
 * names (any of `names(item)`) contain it, in their order, up to `MATCHES`.
 * `more` is how many matched and are not shown.
 */
export function shortList<T extends { clips: number }>(
  items: T[],
  query: string,
  names: (item: T) => (string | null)[],
): { shown: T[]; more: number } {
  const wanted = fold(query.trim());
  if (!wanted) {
    if (items.length <= SHORT) return { shown: items, more: 0 };
    const top = new Set([...items].sort((a, b) => b.clips - a.clips).slice(0, SHORT));
    return { shown: items.filter((item) => top.has(item)), more: items.length - SHORT };
  }
  const matching = items.filter((item) => names(item).some((name) => name !== null && fold(name).includes(wanted)));
  return { shown: matching.slice(0, MATCHES), more: Math.max(0, matching.length - MATCHES) };
}
